"""The live sender's publish alone: 1,000 messages to 1,000 groups on the configured Redis pub/sub layer, pipelined
(portal.notifications.live) against one group_send after the other, 5 rounds each. No subscribers: Redis's
delivery to the workers is not in it.

    DJANGO_SETTINGS_MODULE=portal.settings.bench REDIS_URL=redis://… python bench/notify_publish.py"""

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def main() -> None:
    from channels.layers import get_channel_layer

    from portal.notifications import live

    layer = get_channel_layer()
    payload = {"type": "notification", "id": 1, "kind": "story.approved", "text": "x" * 60, "url": "/x/"}
    batch = [(f"user.{i}", {"type": "notify", "payload": {**payload, "id": i}}) for i in range(1000)]
    pipelined, one_by_one = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        assert await live._publish_pipelined(layer, batch)
        pipelined.append(round((time.perf_counter() - t0) * 1000))
        t0 = time.perf_counter()
        for group, message in batch:
            await layer.group_send(group, message)
        one_by_one.append(round((time.perf_counter() - t0) * 1000))
    print(f"load average {os.getloadavg()}")
    print(f"1,000 messages, pipelined: {pipelined} ms; group_send one after the other: {one_by_one} ms")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    import django

    django.setup()
    asyncio.run(main())
