"""The hostile-input corpus and the discovery helpers of the harness (tests/robustness/test_hostile_input.py).

Nothing here is listed by hand per endpoint: API operations come from the OpenAPI document, pages and forms
from the URL resolver and from the forms the pages actually show; sample values for path parameters come from
the demo data by parameter name."""

import json
import re
import zlib
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver

# --- the corpus ---------------------------------------------------------------------------------------------

DEEP_JSON = "[" * 5_000 + "]" * 5_000
BIG = 2**63

# Values for any field of a JSON body (Python values, serialized with json.dumps, so "\ud800" travels as the
# escape a client would send).
JSON_VALUES = [
    "",
    "\u200b\u200b\u200b",  # zero-width spaces only
    "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd",  # RTL override and Hebrew
    "\x00",
    "nul\x00inside",
    "\ud800",  # a lone surrogate
    "\x1b[31m\x07\x7f\x85",
    "x" * 10_000,
    "' OR 1=1 --",
    '"',
    "*:* AND ( NOT",
    "<script>alert(1)</script>",
    "0001-01-01",
    "9999-12-31T23:59:59Z",
    "2101-01-01",
    BIG,
    -BIG - 1,
    BIG - 1,
    -1,
    0,
    10**30,
    1e308,
    True,
    None,
    [],
    {},
    ["x"] * 50,
    {"nested": {"a": [1, {"b": "\x00"}]}},
]

# Values for query and path parameters and for form fields (text).
TEXT_VALUES = [
    "",
    "\u200b\u200b",
    "\u202eevil\u202c",
    "\x00",
    "a\x00b",
    "\x1b\x07",
    "x" * 10_000,
    '"',
    "' OR 1=1 --",
    "*:* NOT (",
    "<script>",
    "-1",
    "0",
    str(BIG),
    str(BIG - 1),
    "100000000000000000",
    "-" + str(BIG + 1),
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "2101-01-01",
    "../../etc/passwd",
]
# A lone surrogate cannot be written as text in a URL or a form: it is sent as the bytes a broken client sends.
RAW_SURROGATE = "%ED%A0%80"


def pick(key: str, options: list):
    """A deterministic choice (the same every run, spread over the options)."""
    return options[zlib.crc32(key.encode()) % len(options)]


def sample(key: str, options: list, k: int) -> list:
    """k different options, chosen deterministically by key (a rotating sample of the corpus)."""
    start = zlib.crc32(key.encode()) % len(options)
    return [options[(start + i * 7) % len(options)] for i in range(k)]


# --- the OpenAPI document ---------------------------------------------------------------------------------


def resolve_ref(doc: dict, schema: dict) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema or {}


def operations(doc: dict):
    """(method, path template, operation) for every operation of the document."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, op


def body_schema(doc: dict, op: dict) -> dict:
    content = (op.get("requestBody") or {}).get("content", {})
    schema = (content.get("application/json") or {}).get("schema")
    return resolve_ref(doc, schema) if schema else {}


def _first_type(doc, schema):
    schema = resolve_ref(doc, schema)
    for alt in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        alt = resolve_ref(doc, alt)
        if alt.get("type") not in (None, "null"):
            return alt
    return schema


def sample_value(doc: dict, name: str, schema: dict, samples: dict):
    """A plausible valid value for a field, by name first (the demo's real objects), else by type."""
    if name in samples:
        return samples[name]
    schema = _first_type(doc, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "array":
        return [sample_value(doc, name, schema.get("items", {}), samples)] if schema.get("items") else []
    if kind == "object":
        return sample_body(doc, schema, samples)
    fmt = schema.get("format")
    if fmt == "date":
        return "2020-06-01"
    if fmt == "date-time":
        return "2020-06-01T08:00:00+08:00"
    return "Teks uji dari harness"


def sample_body(doc: dict, schema: dict, samples: dict) -> dict:
    schema = resolve_ref(doc, schema)
    return {k: sample_value(doc, k, v, samples) for k, v in (schema.get("properties") or {}).items()}


def fill_path(template: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: quote(str(values.get(m.group(1), 1)), safe=""), template)


# --- the URL resolver ---------------------------------------------------------------------------------------


def url_patterns():
    """(route string, namespace, name, callback) for every URL pattern the project serves."""

    def walk(patterns, prefix="", ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), ns, p.name, p.callback

    return list(walk(get_resolver().url_patterns))


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def concrete_path(route: str, values) -> str | None:
    """A path for the route, the parameters filled by values(name, converter). None for regular expressions
    that are not simple (Wagtail's page-serving catch-alls, served through the page paths instead)."""
    if "^" in route or "(" in route or "$" in route:
        return None
    return "/" + _PARAM.sub(lambda m: quote(str(values(m.group(2), m.group(1) or "str")), safe=""), route)


# --- the forms a page shows ----------------------------------------------------------------------------------


class FormFinder(HTMLParser):
    """Every <form> of a page: its method, action and fields (name -> a value it shows, for hidden fields)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
                "hidden": {},
                "enctype": attrs.get("enctype") or "",
            }
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            name = attrs["name"]
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind == "hidden":
                self._current["hidden"][name] = attrs.get("value") or ""
            else:
                self._current["fields"][name] = kind if tag == "input" else tag

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(html: str, page_path: str) -> list[dict]:
    finder = FormFinder()
    try:
        finder.feed(html)
    except Exception:  # a page that is not HTML
        return []
    found = []
    for form in finder.forms:
        action = form["action"] or page_path
        parts = urlsplit(action)
        if parts.netloc or (parts.scheme and parts.scheme not in ("http", "https")):
            continue
        form["path"] = parts.path or page_path
        form["query"] = parts.query
        found.append(form)
    return found


def dumps(value) -> str:
    return json.dumps(value)
