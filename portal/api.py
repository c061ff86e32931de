"""The JSON API v1 (API.md). Each app contributes a router; this module wires them, authentication and the
error format: {"detail": ...} everywhere, 422 with {"detail", "errors": {field: [messages]}}."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from portal.core.errors import InvalidInput, PelitaError
from portal.core.inputguard import too_big_response
from portal.core.schemas import GuardedParser, WitaRenderer


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        from portal.people.services import token_user

        user = token_user(key=token)
        if user is not None:
            request.user = user
            # The key presented, for DELETE /api/v1/auth/token (which revokes exactly this token).
            request.pelita_token = token
        return user


class SessionAuthCSRF(SessionAuth):
    """A logged-in browser session; unsafe methods need Django's CSRF token."""

    csrf = True


DESCRIPTION = """Forums, child cases, referrals and notifications. The contract is docs/API.md (the shared contract
plus Pelita's additions).

- Lists: `?page=N&page_size=M` (M ≤ 100) → `{"count", "results"}`; a page past an offset of 10,000,000 is 422.
- Errors: `{"detail"}`; validation errors 422 with `{"detail", "errors": {field: [message]}}`, the field named
  (also for NUL, control characters, lone surrogates, integers outside 64 bits, dates outside 1900–2100, texts
  over their `maxLength`). Malformed JSON is 400; a body over 1 MiB is 413.
- Every POST honours an `Idempotency-Key` header: the same person repeating it within 24 hours gets the first
  answer (`Idempotent-Replayed: true`) and nothing new is made; the same key on another request is 422.
- Every time is ISO-8601 in WITA (`+08:00`)."""


class PelitaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The document as ninja builds it, plus the `Idempotency-Key` header on every POST (the middleware
        portal.core.idempotency reads it for every POST, so no endpoint declares it itself)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        header = {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
            "description": (
                "A key of your choice (1–255 visible ASCII characters). Repeated by the same person within 24 "
                "hours, the request gets the first answer and changes nothing."
            ),
        }
        for item in schema.get("paths", {}).values():
            post = item.get("post")
            if post is not None and not any(
                p.get("name") == header["name"] for p in post.get("parameters", [])
            ):
                post.setdefault("parameters", []).append(header)
        return schema


api = PelitaAPI(
    title="Pelita API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[BearerAuth(), SessionAuthCSRF()],
    docs_url="/docs",
    parser=GuardedParser(),
    renderer=WitaRenderer(),
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data", "form")]
    # Ninja puts the schema argument name first for body params: drop it when there is a field after it.
    if len(parts) > 1 and parts[0] in ("payload", "data"):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = list(err.get("loc", []))
        if loc and loc[0] in ("body", "query", "path") and len(loc) > 1:
            loc = loc[2:] if len(loc) > 2 else loc[1:]
        errors.setdefault(".".join(str(p) for p in loc) or "__all__", []).append(str(err.get("msg", "")))
    return api.create_response(
        request, {"detail": _("The input is not valid."), "errors": errors}, status=422
    )


@api.exception_handler(PelitaError)
def on_pelita_error(request, exc):
    body = {"detail": str(exc.message)}
    if isinstance(exc, InvalidInput):
        body["errors"] = {k: [str(m) for m in v] for k, v in exc.errors.items()}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc):
    return on_pelita_error(request, InvalidInput.from_django(exc))


@api.exception_handler(Http404)
def on_404(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_403(request, exc):
    return api.create_response(request, {"detail": _("You are not allowed to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_401(request, exc):
    return api.create_response(request, {"detail": _("Log in or send a valid bearer token.")}, status=401)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return too_big_response(request)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


def _add_routers():
    from commitments.api import router as commitments_router
    from dashboard.api import router as dashboard_router
    from forums.api import router as forums_router
    from portal.agencies.api import router as agencies_router
    from portal.areas.api import router as areas_router
    from portal.core.api import router as core_router
    from portal.notifications.api import router as notifications_router
    from referrals.api import router as referrals_router

    api.add_router("", core_router)
    api.add_router("", areas_router)
    api.add_router("", agencies_router)
    api.add_router("", forums_router)
    api.add_router("", referrals_router)
    api.add_router("", notifications_router)
    api.add_router("", dashboard_router)
    api.add_router("", commitments_router)


_add_routers()
