"""The contract holds everywhere (issue 18.5), checked from the OpenAPI document and docs/API.md, not from a
hand-made list: every list is {"count", "results"} with page/page_size; every time carries +08:00; every
request text has a length limit; every date is bounded to 1900–2100; every path docs/API.md names exists."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from tests.robustness import hostile

API_MD = Path(settings.BASE_DIR) / "docs" / "API.md"
SHARED_API_MD = Path(settings.BASE_DIR).parent.parent / "shared" / "API.md"

# Paths of the shared contract that other branches are building; each leaves this list when it lands (the
# lead's merge). Anything else docs/API.md names must exist.
PENDING = {
    "/api/v1/me/notification-settings": "notify (issue 13)",
    "/api/v1/me/push-subscriptions": "notify (issue 13)",
    "/api/v1/me/push-subscriptions/{id}": "notify (issue 13)",
    "/api/v1/me/phone": "notify (issue 13)",
    "/api/v1/me/phone/verify": "notify (issue 13)",
    "DELETE /api/v1/auth/token": "issue 19 (token revocation)",
}
METHODS = "GET|POST|PUT|PATCH|DELETE"
_MENTION = re.compile(rf"`((?:(?:{METHODS})(?:, ?(?:{METHODS}))* )?/[^`\s]*)`")


def _schema():
    return Client().get("/api/v1/openapi.json").json()


def _template_regex(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


def mentioned_paths(text: str) -> set[tuple[str, str]]:
    """(method or "", path) for every path in backticks."""
    found = set()
    for mention in _MENTION.findall(text):
        methods, _, path = mention.rpartition(" ")
        path = path.split("?", 1)[0]
        if path in ("/services", "/agencies"):  # "(this includes `/services` and `/agencies`)"
            path = "/api/v1" + path
        for method in methods.replace(" ", "").split(",") if methods else [""]:
            found.add((method, path))
    return found


def _concrete(path: str) -> str:
    path = re.sub(r"\{code\}", "APM-5202-00042", path) if path.startswith("/api/v1/cases") else path
    path = re.sub(r"\{(code|area)\}", "52.02.01.2013", path)
    return re.sub(r"\{\w+\}", "1", path)


def test_docs_api_is_the_shared_contract_plus_additions():
    text = API_MD.read_text()
    if (
        SHARED_API_MD.exists()
    ):  # a developer's machine and CI have it beside the clone; a clone alone does not
        assert text.startswith(SHARED_API_MD.read_text().rstrip()), (
            "docs/API.md must start with the shared contract, whole"
        )
    assert "## Pelita's own additions" in text


def test_every_path_docs_api_names_exists(db):
    from portal.core.websocket import websocket_urlpatterns

    doc = _schema()
    operations = [(m, _template_regex(p)) for m, p, _op in hostile.operations(doc)]
    sockets = {"/" + str(p.pattern) for p in websocket_urlpatterns}
    missing = []
    for method, path in sorted(mentioned_paths(API_MD.read_text())):
        key = f"{method} {path}".strip()
        if path in PENDING or key in PENDING:
            continue
        if path in sockets:
            continue
        try:
            resolve(_concrete(path))
        except Resolver404:
            missing.append(key)
            continue
        if path.startswith("/api/v1/") and path != "/api/v1/":
            methods = {m for m, regex in operations if regex.match(path)}
            if path == "/api/v1/openapi.json":
                continue
            if not methods or (method and method not in methods):
                missing.append(key)
    assert not missing, f"docs/API.md names paths that do not exist: {missing}"
    named = {p for _m, p in mentioned_paths(API_MD.read_text())} | {
        f"{m} {p}" for m, p in mentioned_paths(API_MD.read_text())
    }
    assert set(PENDING) <= named, "PENDING lists a path docs/API.md no longer names"


def test_every_list_is_count_and_results_with_pages():
    doc = _schema()
    bare, unpaged = [], []
    for method, path, op in hostile.operations(doc):
        if method != "GET":
            continue
        schema = hostile.resolve_ref(
            doc,
            op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {}),
        )
        if schema.get("type") == "array":
            bare.append(path)
        props = schema.get("properties") or {}
        if "results" in props:
            params = {p["name"] for p in op.get("parameters", [])}
            if "count" not in props or not {"page", "page_size"} <= params:
                unpaged.append(path)
    assert not bare, f"bare arrays: {bare}"
    assert not unpaged, f"lists without count/page/page_size: {unpaged}"


def test_every_request_text_has_a_length_limit():
    doc = _schema()
    unlimited = []
    for method, path, op in hostile.operations(doc):
        schema = hostile.body_schema(doc, op)
        for name, prop in (schema.get("properties") or {}).items():
            prop = hostile._first_type(doc, prop)
            plain_text = prop.get("type") == "string" and "enum" not in prop and "format" not in prop
            if plain_text and "maxLength" not in prop:
                unlimited.append(f"{method} {path} {name}")
    assert not unlimited, f"request texts without maxLength: {unlimited}"


def _date_fields(doc):
    for method, path, op in hostile.operations(doc):
        for p in op.get("parameters", []):
            if hostile._first_type(doc, p.get("schema", {})).get("format") in ("date", "date-time"):
                yield method, path, op, "query", p["name"]
        schema = hostile.body_schema(doc, op)
        for name, prop in (schema.get("properties") or {}).items():
            if hostile._first_type(doc, prop).get("format") in ("date", "date-time"):
                yield method, path, op, "body", name


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_every_date_outside_1900_to_2100_is_422_naming_the_field(demo, token_for, value):
    doc = _schema()
    auth = token_for(demo["users"]["koordinator_ntb"])
    fields = list(_date_fields(doc))
    assert fields, "the API takes no date at all?"
    for method, path, op, where, name in fields:
        url = _concrete(path)
        if where == "query":
            response = Client().generic(method, f"{url}?{name}={value}", HTTP_AUTHORIZATION=auth)
        else:
            body = hostile.sample_body(doc, hostile.body_schema(doc, op), {})
            body[name] = value
            response = Client().generic(
                method, url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth
            )
        if response.status_code in (401, 403, 404):
            continue  # the caller may not reach it; the harness covers the other roles
        assert response.status_code == 422, (method, path, name, response.status_code)
        assert name in response.json().get("errors", {}), (method, path, name, response.json())


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


def _times(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _times(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _times(v, f"{path}.{i}")
    elif isinstance(value, str) and _ISO_TIME.match(value):
        yield path, value


def test_every_time_in_an_answer_carries_the_wita_offset(demo_full, token_for):
    from forums.models import Thread
    from referrals.models import ChildCase, Referral

    doc = _schema()
    users = demo_full["users"]
    values = {
        "thread_id": Thread.objects.order_by("pk").first().pk,
        "referral_id": Referral.objects.order_by("pk").first().pk,
    }
    case_code = ChildCase.objects.order_by("pk").first().code
    seen = {}
    for username in ("pendamping_jago", "kader_jago", "dukcapil_loteng_1", "koordinator_ntb"):
        client = Client(HTTP_AUTHORIZATION=token_for(users[username]))
        for method, path, _op in hostile.operations(doc):
            if method != "GET":
                continue
            filled = hostile.fill_path(
                path,
                {
                    **values,
                    "code": case_code if "/cases/" in path else "52.02.01.2013",
                    "area": "52.02.01.2013",
                },
            )
            response = client.get(filled)
            if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
                for where, value in _times(response.json()):
                    seen[f"{path}{where}"] = value
    assert len(seen) >= 10, f"too few times seen to judge: {seen}"
    wrong = {k: v for k, v in seen.items() if not v.endswith("+08:00")}
    assert not wrong, f"times without the WITA offset: {wrong}"


def test_since_and_every_addition_is_described_in_the_openapi_document():
    doc = _schema()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/notifications"]["get"]["parameters"]}
    assert "newer than" in params["since"].get("description", "")
    for needle in ("Idempotency-Key", "+08:00", "413", "1900"):
        assert needle in doc["info"]["description"]
    for method, path, op in hostile.operations(doc):
        if method == "POST":
            assert "Idempotency-Key" in {p["name"] for p in op.get("parameters", [])}, path
