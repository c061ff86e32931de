"""Hold N notification WebSockets open and timestamp every notification they receive.

Run by bench/run.py: `python bench/ws_clients.py URL ORIGIN COOKIES_JSON`. Prints `ready <n>` once every socket
is connected and has had its first message, then waits for a line on stdin and prints the receipts as JSON
({notification id: [wall-clock receive times]}). Wall clocks are comparable: client and sender share the host."""

import asyncio
import json
import resource
import sys
import time
from collections import defaultdict

import websockets

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def main(url: str, origin: str, cookies: list[str]) -> None:
    receipts: dict[int, list[float]] = defaultdict(list)
    failures = 0

    async def listen(ws):
        async for raw in ws:
            now = time.time()
            message = json.loads(raw)
            if message.get("type") == "notification":
                receipts[message["id"]].append(now)

    sockets, tasks = [], []

    async def open_one(cookie):
        nonlocal failures
        try:
            ws = await websockets.connect(
                url,
                additional_headers={"Cookie": f"sessionid={cookie}", "Origin": origin},
                open_timeout=30,
                ping_interval=None,
                max_queue=None,
            )
            await asyncio.wait_for(ws.recv(), 30)  # the unread count sent on connect
        except Exception as exc:  # noqa: BLE001
            failures += 1
            print(f"socket failed: {exc!r}", file=sys.stderr)
            return
        sockets.append(ws)
        tasks.append(asyncio.create_task(listen(ws)))

    for start in range(0, len(cookies), 50):
        await asyncio.gather(*(open_one(c) for c in cookies[start : start + 50]))
    print(f"ready {len(sockets)} {failures}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    print(json.dumps({"receipts": receipts, "connected": len(sockets), "failures": failures}), flush=True)


if __name__ == "__main__":
    with open(sys.argv[3]) as f:
        cookies = json.load(f)
    asyncio.run(main(sys.argv[1], sys.argv[2], cookies))
