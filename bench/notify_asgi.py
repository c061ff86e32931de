"""The ASGI app for bench/notify_latency.py: Pelita unchanged, plus a floor on the same server and channel layer.

- `/bench/ws/floor/?n=K`: a bare Channels consumer (no database, no auth) in group `floor.K`;
- `POST /bench/poke/K`: a bare ASGI HTTP handler that does one group_send to `floor.K` (no Django view, no DB).
Everything else goes to portal.asgi.application. Used only by the benchmark, never deployed."""

from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402

from portal.asgi import application as pelita  # sets Django up


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
