from channels.db import database_sync_to_async
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


websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
