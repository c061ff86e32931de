"""The input guard: every request passes here before any view, so no input can reach a view in a shape that
breaks it (issue 18; the rules of text are in portal.core.text).

- A path with control characters names no page: 404.
- A body over the limit: 413 `{"detail"}` (the API) or the friendly 413 page, in the person's language, before
  anything reads it. The limits: `PELITA_API_MAX_BODY` for the API, DATA_UPLOAD_MAX_MEMORY_SIZE for forms,
  `PELITA_UPLOAD_MAX_BODY` for uploads (multipart).
- The API (`/api/`):
  - query parameters: a forbidden character, or an integer outside 64 bits, is 422 naming the parameter;
  - a JSON body is read once here: malformed JSON is 400 `{"detail"}`; nesting deeper than `JSON_MAX_DEPTH`,
    a string with forbidden characters or longer than TEXT_HARD_MAX, an integer outside 64 bits, or NaN/Infinity is
    422 naming each field (`title`, `agencies.0`); blank strings (only invisible characters) become "" so that
    a required text counts as missing. The API's parser (portal.core.schemas.GuardedParser) takes the result.
- Pages: forbidden characters are dropped from query parameters and form fields (free text keeps the rest).
- Pages: a page number that is not a number (`?p=x`, `?page=-1`) is dropped: the first page.
- Path parameters (`<int:pk>`) outside 64 bits: 404 on pages, 422 naming the parameter in the API.
- A view that meets a request it cannot read (a missing field a page always sends, a value only the model's
  validation refuses) answers 400, never 500.
"""

import json
import math
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import text

API_PREFIX = "/api/"
JSON_MAX_DEPTH = 32
# No single text in Pelita is longer (a forum post is at most 20,000 characters, most fields far less: each
# schema and service sets its own limit, `portal.core.text.TEXT_MAX` being the generic default).
TEXT_HARD_MAX = 100_000
_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Fields whose value is used exactly as typed (a password of spaces is still a password).
_VERBATIM_KEYS = frozenset({"password", "old_password", "new_password"})


_PAGE_PARAMS = ("p", "page")
_PAGE_NUMBER = re.compile(r"^(\d{1,9}|last)$")


class JsonRejected(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.errors = {field: [str(detail)]} if field is not None else {}


def _api_error(
    status: int, detail: str, field: str | None = None, errors: dict | None = None
) -> JsonResponse:
    body: dict = {"detail": str(detail)}
    if field is not None:
        body["errors"] = {field: [str(detail)]}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def too_big_response(request) -> HttpResponse:
    """413: the API's `{"detail"}` or the friendly page (no database, like the 500 page)."""
    detail = _("What you sent is too large. Send less at a time (a shorter text, a smaller file).")
    if request.path_info.startswith(API_PREFIX):
        return _api_error(413, detail)
    html = loader.get_template("413.html").render({"LANGUAGE_CODE": get_language() or "id"})
    return HttpResponse(html, status=413)


def body_limit(request) -> int:
    if request.path_info.startswith(API_PREFIX):
        return getattr(settings, "PELITA_API_MAX_BODY", 1024 * 1024)
    if (request.content_type or "").startswith("multipart/"):
        return getattr(settings, "PELITA_UPLOAD_MAX_BODY", 12 * 1024 * 1024)
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 5 * 1024 * 1024


def _field(path: list) -> str:
    return ".".join(str(p) for p in path) or "__all__"


def _reject_constant(name):
    raise JsonRejected(422, _("Numbers must be finite (%(value)s is not a number).") % {"value": name})


def check_json(body: bytes):
    """Parse and check a JSON body (the rules above). Returns the data, blank strings made "". Raises
    JsonRejected(status, detail, field) — with every field's error in `errors` for a 422."""
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except JsonRejected:
        raise
    except RecursionError:
        raise JsonRejected(422, _("The JSON body is nested too deeply.")) from None
    except (ValueError, UnicodeDecodeError):
        raise JsonRejected(400, _("The body is not valid JSON.")) from None
    errors: dict[str, list[str]] = {}
    # Walk without recursion: (container, key or index, value, path, depth).
    root = [data]
    stack = [(root, 0, data, [], 0)]
    while stack:
        parent, slot, value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= JSON_MAX_DEPTH:
                raise JsonRejected(422, _("The JSON body is nested too deeply."), _field(path))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in items:
                if isinstance(k, str) and text.has_forbidden(k):
                    errors.setdefault(_field(path), []).append(str(text.MSG_FORBIDDEN))
                    continue
                stack.append((value, k, v, [*path, k], depth + 1))
        elif isinstance(value, str):
            if text.has_forbidden(value):
                errors.setdefault(_field(path), []).append(str(text.MSG_FORBIDDEN))
            elif len(value) > TEXT_HARD_MAX:
                errors.setdefault(_field(path), []).append(
                    str(text.MSG_TOO_LONG % {"max": f"{TEXT_HARD_MAX:,}"})
                )
            elif path and path[-1] not in _VERBATIM_KEYS and value and text.is_blank(value):
                parent[slot] = ""
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int):
            if not text.INT64_MIN <= value <= text.INT64_MAX:
                errors.setdefault(_field(path), []).append(str(_("This number is too large.")))
        elif isinstance(value, float) and not math.isfinite(value):
            errors.setdefault(_field(path), []).append(str(_("This number is too large.")))
    if errors:
        exc = JsonRejected(422, _("The input is not valid."))
        exc.errors = errors
        raise exc
    return root[0]


def _int_too_big(value: str) -> bool:
    v = value.strip()
    if v[:1] in "+-":
        v = v[1:]
    if not v.isdigit() or not v.isascii():
        return False
    return not text.INT64_MIN <= int(value) <= text.INT64_MAX


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith(API_PREFIX)
        if text.has_forbidden(request.path_info, multiline=False):
            if api:
                return _api_error(404, _("Not found."))
            raise Http404
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit(request):
            return too_big_response(request)
        rejected = self._query(request, api=api)
        if rejected is not None:
            return rejected
        try:
            if api:
                rejected = self._api_body(request)
                if rejected is not None:
                    return rejected
            elif request.method in _BODY_METHODS:
                self._form_body(request)
        except RequestDataTooBig:
            return too_big_response(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name, value in (view_kwargs or {}).items():
            if isinstance(value, int) and not text.INT64_MIN <= value <= text.INT64_MAX:
                if request.path_info.startswith(API_PREFIX):
                    return _api_error(422, _("This number is too large."), name)
                raise Http404
        return None

    def process_exception(self, request, exception):
        """Requests a view could not read are the client's fault (4xx), whichever view met them: a body over
        the limit (413), a form field the page always sends missing (a forged or broken request), a value
        that a library's own form let through to the model's validation (400)."""
        from django.core.exceptions import ValidationError
        from django.utils.datastructures import MultiValueDictKeyError

        if isinstance(exception, RequestDataTooBig):
            return too_big_response(request)
        if isinstance(exception, MultiValueDictKeyError | ValidationError):
            from .errors_views import bad_request

            return bad_request(request, exception)
        return None

    # --- parts ---

    @staticmethod
    def _query(request, *, api: bool):
        if not request.GET:
            return None
        changed = False
        cleaned = request.GET.copy()
        for name, values in request.GET.lists():
            bad_name = text.has_forbidden(name, multiline=False)
            bad_values = [v for v in values if text.has_forbidden(v, multiline=False)]
            if api:
                if bad_name or bad_values:
                    return _api_error(422, text.MSG_FORBIDDEN, text.strip_forbidden(name) or "__all__")
                if any(_int_too_big(v) for v in values):
                    return _api_error(422, _("This number is too large."), name)
            elif name in _PAGE_PARAMS and not all(_PAGE_NUMBER.match(v) for v in values):
                # A page number that is not one (?p=x): the first page, as Django's Paginator.get_page does.
                changed = True
                del cleaned[name]
            elif bad_name or bad_values:
                changed = True
                del cleaned[name]
                clean_name = text.strip_forbidden(name, multiline=False)
                if clean_name:
                    cleaned.setlist(clean_name, [text.strip_forbidden(v, multiline=False) for v in values])
        if changed:
            cleaned._mutable = False
            request.GET = cleaned
        return None

    @staticmethod
    def _api_body(request):
        if request.method not in _BODY_METHODS:
            return None
        content_type = request.content_type or ""
        if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
            return None  # not JSON: the API refuses it when it parses the body
        body = request.body
        if not body.strip():
            return None
        try:
            request._pelita_json = check_json(body)
        except JsonRejected as exc:
            return _api_error(exc.status, exc.detail, errors=exc.errors)
        return None

    @staticmethod
    def _form_body(request):
        content_type = request.content_type or ""
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return
        post = request.POST
        if not any(text.has_forbidden(k) or any(text.has_forbidden(v) for v in vs) for k, vs in post.lists()):
            return
        cleaned = post.copy()
        for name, values in post.lists():
            del cleaned[name]
            clean_name = text.strip_forbidden(name)
            if clean_name:
                cleaned.setlist(clean_name, [text.strip_forbidden(v) for v in values])
        cleaned._mutable = False
        request._post = cleaned
