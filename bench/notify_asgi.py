"""The ASGI app for bench/notify_latency.py: Pelita unchanged, plus a floor on the same server and channel layer.

- `/bench/ws/floor/?n=K`: a bare Channels consumer (no database, no auth) in group `floor.K`;
- `POST /bench/poke/K`: a bare ASGI HTTP handler that does one group_send to `floor.K` (no Django view, no DB).
Everything else goes to portal.asgi.application. Used only by the benchmark, never deployed.

The commit instants (bench only, nothing in portal/ changes): every database commit of these workers notes
`time.time()` on its connection; notify()'s after-commit callback (`services._after_commit`, looked up by name
when the transaction commits) then writes, after it has queued the push, `{notification id: commit instant}` to
the Redis hash `COMMIT_TIMES_KEY`, so bench/notify_latency.py can time a mention from the commit of the
transaction that stored it to its receipt (client and server share the machine's clock). The WebSocket
messages are unchanged."""

import os
import time
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402

from portal.asgi import application as pelita  # sets Django up

COMMIT_TIMES_KEY = os.environ.get("PELITA_CHANNEL_PREFIX", "pelita") + ":bench:commit-times"


def _record_commit_times() -> None:
    import redis
    from django.conf import settings
    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    from portal.notifications import services

    client = redis.Redis.from_url(os.environ.get("REDIS_URL") or settings.REDIS_URL)
    commit = BaseDatabaseWrapper.commit

    def timed_commit(self):
        commit(self)
        self.bench_committed_at = time.time()

    BaseDatabaseWrapper.commit = timed_commit
    after_commit = services._after_commit

    def recorded(pushes):
        committed_at = getattr(connections["default"], "bench_committed_at", None) or time.time()
        after_commit(pushes)  # the push is queued first: the Redis write below never delays it
        client.hset(COMMIT_TIMES_KEY, mapping={p[0]: committed_at for p in pushes})

    services._after_commit = recorded


_record_commit_times()


class FloorConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        n = parse_qs(self.scope["query_string"].decode()).get("n", ["0"])[0]
        self.group = f"floor.{int(n)}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def poke(self, event):
        await self.send(text_data=event["text"])


floor_consumer = FloorConsumer.as_asgi()


async def poke(scope, receive, send):
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    n = int(scope["path"].rstrip("/").rsplit("/", 1)[-1])
    await get_channel_layer().group_send(f"floor.{n}", {"type": "poke", "text": '{"type": "poke"}'})
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def application(scope, receive, send):
    path = scope.get("path", "")
    if scope["type"] == "http" and path.startswith("/bench/poke/"):
        return await poke(scope, receive, send)
    if scope["type"] == "websocket" and path == "/bench/ws/floor/":
        return await floor_consumer(scope, receive, send)
    return await pelita(scope, receive, send)


def _profile_workers() -> None:
    """PELITA_BENCH_PROFILE=DIR: each worker profiles its event loop's thread (the pub/sub reader and the
    consumers; sync views run in other threads) and writes DIR/worker-<pid>.prof every 3 s (a worker of
    `uvicorn --workers` ends with os._exit: no atexit)."""
    directory = os.environ.get("PELITA_BENCH_PROFILE")
    if not directory:
        return
    import asyncio
    import cProfile

    profiler = cProfile.Profile()
    path = os.path.join(directory, f"worker-{os.getpid()}.prof")

    def dump() -> None:
        profiler.disable()
        profiler.dump_stats(path)
        profiler.enable()
        loop.call_later(3, dump)

    loop = asyncio.get_running_loop()  # uvicorn imports the app inside its serving loop
    profiler.enable()
    loop.call_later(3, dump)


_profile_workers()
