from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.urls import path

from portal.notifications.consumers import NotificationConsumer


class BearerTokenAuthMiddleware:
    """For clients that are not browsers: `Authorization: Bearer <token>` on the WebSocket handshake.
    Runs inside AuthMiddlewareStack, so a session cookie, when present, has already set scope['user']."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer "):
            user = await self._user(auth[7:].strip())
            if user is not None:
                scope = {**scope, "user": user}
        return await self.inner(scope, receive, send)

    @database_sync_to_async
    def _user(self, key):
        from portal.people.services import token_user

        return token_user(key=key)


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_tuple(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as "https://pelita.example.org", or None when it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = (parts.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


def site_origins() -> set[tuple[str, str, int]]:
    """The origins a page of this site may be served from, besides the handshake's own (PELITA_BASE_URL and
    CSRF_TRUSTED_ORIGINS)."""
    origins = {origin_tuple(settings.PELITA_BASE_URL)}
    origins.update(origin_tuple(o) for o in settings.CSRF_TRUSTED_ORIGINS if "*" not in o)
    origins.discard(None)
    return origins


def handshake_origin(scope) -> tuple[str, str, int] | None:
    """The origin of a page on the host the handshake was made to: scheme (wss → https, ws → http), the Host
    header (which must be one of ALLOWED_HOSTS) and its port."""
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"").decode("latin-1")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return origin_tuple(f"{scheme}://{host}")


class SiteOriginValidator:
    """The WebSocket's Origin check (issue 19.5): a browser's handshake is accepted only when its Origin is this
    site's — scheme, host and port all equal to the handshake's own (same-origin, as the browser understands it)
    or to one of site_origins(). channels' AllowedHostsOriginValidator compared the host only, so a page served
    by any other port or scheme of an allowed host (another service on the same machine, http next to https)
    could open a socket with the person's cookie. A handshake without an Origin is refused, as before (API.md:
    every client, the bearer-token ones included, sends the site's origin)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("SiteOriginValidator is for WebSockets only")
        headers = dict(scope.get("headers") or [])
        given = origin_tuple(headers.get(b"origin", b"").decode("latin-1"))
        allowed = site_origins()
        own = handshake_origin(scope)
        if own is not None:
            allowed.add(own)
        if given is None or given not in allowed:
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
