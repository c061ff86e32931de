import asyncio
import logging
import time
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from . import live
from .services import user_group

logger = logging.getLogger("pelita.notifications")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_LAYER_UNAVAILABLE = 1011


def recheck_seconds() -> float:
    return float(getattr(settings, "PELITA_WS_RECHECK_SECONDS", 60))


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """/ws/notifications/: one socket per tab; every tab of a person joins the person's group `user.<id>`.

    Only the server speaks (API.md). Every PELITA_WS_RECHECK_SECONDS it checks that the person is still who
    they were at connect: still active, the session still logged in (not logged out elsewhere, password not
    changed) or the bearer token still valid. If not, the socket is closed with 4401."""

    group = None
    recheck_task = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept, then close with 4401 (API.md, additions of 2026-11-29): a refusal at the handshake reaches
            # a browser as a bare failure with no close code, and the client could not tell "log in again"
            # from "the network dropped".
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.credential = self._credential(user)
        try:
            await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        except Exception:
            # No live updates without the layer; the client retries with backoff and reads the list meanwhile.
            logger.warning("WebSocket: channel layer unavailable on connect", exc_info=True)
            await self.close(code=CLOSE_LAYER_UNAVAILABLE)
            return
        self.group = user_group(user.pk)
        live.consumer_connected()  # the in-memory layer delivers in this loop only
        await self.accept()
        await self.send_json({"type": "unread_count", "unread_count": await self._unread(user)})
        self.recheck_task = asyncio.ensure_future(self._recheck_loop())

    async def disconnect(self, code):
        if self.recheck_task is not None:
            self.recheck_task.cancel()
            self.recheck_task = None
        if self.group:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception:
                logger.warning("WebSocket: could not leave group %s", self.group, exc_info=True)
            self.group = None

    async def dispatch(self, message):
        """A pushed `notify` goes straight to the socket. Channels' dispatch first closes old database connections
        with a hop to a thread (`aclose_old_connections`) before every handler; `notify` touches no database, and
        at 1,000 sockets that hop was the largest part of each worker's time per message (docs/PERFORMANCE.md,
        "Live delivery, second round"). Every other message (connect, disconnect, credential checks) keeps it."""
        if message.get("type") == "notify":
            await self.notify(message)
            return
        await super().dispatch(message)

    async def receive_json(self, content, **kwargs):
        """Clients send nothing but keep-alives; anything else is ignored."""

    async def notify(self, event):
        await self.send_json(event["payload"])

    async def credentials_check(self, event):
        """A credential of the person ended (portal.people.credentials): close at once when it is this socket's
        (the session that logged out, the token revoked) or when all of them ended (password change,
        deactivation, log out everywhere)."""
        from portal.people.credentials import credential_hash

        method, key = self.credential
        ended = event.get("all") or (
            bool(key)
            and (
                (method == "session" and event.get("session") == credential_hash(key))
                or (method == "token" and event.get("token") == credential_hash(key))
            )
        )
        if ended:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    # --- who is on the other end ---

    def _credential(self, user) -> tuple[str, str]:
        """How this socket was authenticated: ("session", key) or ("token", key)."""
        session = self.scope.get("session")
        if session is not None and session.session_key and session.get("_auth_user_id") == str(user.pk):
            return ("session", session.session_key)
        headers = dict(self.scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer "):
            return ("token", auth[7:].strip())
        return ("none", "")

    async def _recheck_loop(self):
        interval = recheck_seconds()
        try:
            while True:
                await asyncio.sleep(interval)
                try:
                    still_valid = await self._still_valid()
                except Exception:
                    logger.warning("WebSocket: re-check of user %s failed", self.user_id, exc_info=True)
                    continue
                if not still_valid:
                    await self.close(code=CLOSE_UNAUTHENTICATED)
                    return
        except asyncio.CancelledError:
            pass

    @database_sync_to_async
    def _still_valid(self) -> bool:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
        from django.utils.crypto import constant_time_compare

        method, key = self.credential
        if method == "token":
            from portal.people.services import token_user

            user = token_user(key=key)
            return user is not None and user.pk == self.user_id
        if method != "session":
            return False
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
        data = store.load()
        if str(data.get(SESSION_KEY, "")) != str(self.user_id) or not data.get(BACKEND_SESSION_KEY):
            return False
        max_age = getattr(settings, "PELITA_SESSION_MAX_AGE", None)
        started = data.get("_pelita_started")
        if max_age and started and time.time() - started > max_age:
            return False  # past the longest a session may live (portal.privacy's SessionIdleMiddleware)
        user = get_user_model().objects.filter(pk=self.user_id, is_active=True).first()
        if user is None:
            return False
        return constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())

    @database_sync_to_async
    def _unread(self, user):
        from .selectors import unread_count

        return unread_count(user=user)
