"""Notification latency at N open WebSockets, from the action's HTTP request to the socket's receipt.

    python bench/notify_latency.py                          # 1,000 sockets, both layers
    python bench/notify_latency.py --sockets 200 --messages 100 --layers pubsub   # a quick check

The production stack on this machine: 2 uvicorn workers (portal.settings.bench = production over plain HTTP),
PostgreSQL (DATABASE_URL, default the notifications engineer's `pelita_notif`), Redis (REDIS_URL, default db 3).

- Pelita: N people, each with their own authenticated socket (bearer token) on /ws/notifications/. The action
  is real: `POST /api/v1/threads/{id}/posts` with `@bench_K`, so the forum service stores the post and
  notify() stores the mention and pushes it to `user.<id>` after commit.
- Fan-out: replies to a thread all N people watch, one at a time: each notifies all N (forum.reply); then
  notify() to all N called in this process, timed from its commit ("fanout-direct", as `make bench` does).
- Floor: N sockets on a bare Channels consumer (no database, no auth) served by the same server and layer
  (bench/notify_asgi.py), poked by a bare HTTP handler that does one group_send.
Each runs with 1 and with 20 requests in flight (each in-flight request targets a different person).
- Split: notify() to all N in another process (`--notify-child`, as bench/run.py keeps the notifying process
  apart from the client sockets), timed from its commit to each receipt.
Latency = request sent → message received (same host, monotonic clock); for the forum post also its commit →
receipt: the server notes the commit instant of the transaction that stored each notification (bench/
notify_asgi.py, bench only), the client its wall-clock receipt (same host, same clock). Lost = request answered 2xx but
no message within 10 s. Runs once per channel layer (PELITA_CHANNEL_LAYER=pubsub | core).
Results: printed as a Markdown table and written to var/bench/notify_latency.json."""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
JAGO = "52.02.01.2013"
RECEIPT_TIMEOUT = 10.0
ABORT_AFTER_LOST = 20  # a layer that has lost this many is broken: stop rather than wait 10 s for each
EXPECTED = {"pelita": "notification", "read": "unread_count", "floor": "poke"}
COMMIT_TIMES_KEY = os.environ.get("PELITA_CHANNEL_PREFIX", "pelita_notif_bench") + ":bench:commit-times"


def commit_times_client():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(n: int) -> tuple[str, list[str]]:
    """Migrate, load the test area subset, make N members of the Desa Jago forum and an actor; issue tokens.
    Idempotent (people are reused; tokens are new each run). Returns (actor token, person tokens)."""
    import django

    django.setup()
    from django.core.management import call_command

    from portal.agencies.catalogue import services_sync
    from portal.areas.models import Area
    from portal.areas.services import areas_load
    from portal.people.models import ApiToken, Membership, Role, User
    from portal.people.services import membership_add

    call_command("migrate", verbosity=0)
    if not Area.objects.filter(code=JAGO).exists():
        areas_load(data_dir=ROOT / "tests" / "data" / "areas", force=True)
        services_sync()
    jago = Area.objects.get(code=JAGO)
    names = ["bench_actor"] + [f"bench_{i}" for i in range(n)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=u, display_name=u, password="!") for u in names if u not in existing], batch_size=500
    )
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    members = set(
        Membership.objects.filter(area=jago, user__in=users.values()).values_list("user__username", flat=True)
    )
    missing = [u for u in names if u not in members]
    for i, username in enumerate(missing):
        membership_add(user=users[username], area=jago, role=Role.MEMBER)
        if i % 200 == 199:
            print(f"  members: {i + 1}/{len(missing)}", flush=True)
    ApiToken.objects.filter(user__username__startswith="bench_").delete()
    keys = {u: secrets.token_urlsafe(24) for u in names}
    from datetime import timedelta

    from django.utils import timezone

    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user=users[u], key_hash=ApiToken.hash_key(k), expires_at=timezone.now() + timedelta(days=1)
            )
            for u, k in keys.items()
        ],
        batch_size=500,
    )
    from django.db import connection

    connection.close()
    return keys["bench_actor"], [keys[f"bench_{i}"] for i in range(n)]


@contextlib.contextmanager
def server(layer: str, env: dict):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.notify_asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--ws",
            "websockets",
            "--lifespan",
            "off",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**env, "PELITA_CHANNEL_LAYER": layer},
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # the workers are children: stop the whole group
    )
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.2)
    time.sleep(2)  # both workers up
    errors: list[str] = []
    try:
        yield port, errors
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            _out, err = proc.communicate()
        errors.extend(line for line in (err or "").splitlines() if "Error" in line or "WARNING" in line)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def open_sockets(urls_headers, origin):
    import websockets

    sockets = []
    sem = asyncio.Semaphore(50)

    async def one(url, headers):
        async with sem:
            for attempt in range(5):
                try:
                    ws = await websockets.connect(
                        url, additional_headers=headers, origin=origin, open_timeout=30, max_queue=None
                    )
                    return ws
                except Exception:
                    await asyncio.sleep(0.5 * (attempt + 1))
            raise RuntimeError(f"could not open {url}")

    sockets = await asyncio.gather(*(one(u, h) for u, h in urls_headers))
    return sockets


async def measure(
    *,
    port: int,
    mode: str,
    sockets,
    messages: int,
    in_flight: int,
    actor: str,
    thread_id: int,
    tokens: list[str] | None = None,
    ids: dict | None = None,
):
    """Send `messages` actions, `in_flight` at a time, each to a different socket; time request → receipt."""
    import httpx

    loop = asyncio.get_running_loop()
    pending: dict[int, collections.deque] = collections.defaultdict(collections.deque)

    received_at: dict[int, float] = {}  # notification id → wall-clock receipt (for commit → receipt)
    commit_times = commit_times_client()
    if mode == "pelita":
        commit_times.delete(COMMIT_TIMES_KEY)

    async def listen(k, ws):
        with contextlib.suppress(Exception):
            async for raw in ws:
                now = time.perf_counter()
                wall = time.time()
                data = json.loads(raw)
                if data.get("type") == "notification":
                    received_at.setdefault(data["id"], wall)
                    if ids is not None:
                        ids[k].append(data["id"])
                if data.get("type") == EXPECTED[mode]:
                    waiting = pending[k]
                    while waiting:
                        fut = waiting.popleft()
                        if not fut.done():
                            fut.set_result(now)
                            break

    listeners = [asyncio.create_task(listen(k, ws)) for k, ws in enumerate(sockets)]
    latencies: list[float] = []
    answer_ms: list[float] = []
    lost = http_errors = 0
    queue = asyncio.Queue()
    for i in range(messages):
        queue.put_nowait(i % len(sockets))
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits) as http:

        async def worker():
            nonlocal lost, http_errors
            while not queue.empty() and lost < ABORT_AFTER_LOST:
                k = queue.get_nowait()
                fut = loop.create_future()
                pending[k].append(fut)
                t0 = time.perf_counter()
                try:
                    if mode == "pelita":
                        r = await http.post(
                            f"/api/v1/threads/{thread_id}/posts",
                            json={"body": f"@bench_{k} ping"},
                            headers={"Authorization": f"Bearer {actor}"},
                        )
                    elif mode == "read":
                        r = await http.post(
                            f"/api/v1/notifications/{ids[k].pop()}/read",
                            headers={"Authorization": f"Bearer {tokens[k]}"},
                        )
                    else:
                        r = await http.post(f"/bench/poke/{k}")
                    ok = r.status_code < 300
                except Exception:
                    ok = False
                answer_ms.append((time.perf_counter() - t0) * 1000)
                if not ok:
                    http_errors += 1
                    fut.cancel()
                    continue
                try:
                    t1 = await asyncio.wait_for(fut, RECEIPT_TIMEOUT)
                    latencies.append((t1 - t0) * 1000)
                except TimeoutError:
                    lost += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
    for task in listeners:
        task.cancel()
    from_commit: list[float] = []
    if mode == "pelita":  # the server noted each notification's commit instant (bench/notify_asgi.py)
        committed = {int(k): float(v) for k, v in commit_times.hgetall(COMMIT_TIMES_KEY).items()}
        from_commit = [(t - committed[i]) * 1000 for i, t in received_at.items() if i in committed]
    return {
        "mode": mode,
        "in_flight": in_flight,
        "sent": messages,
        "received": len(latencies),
        "lost": lost,
        "http_errors": http_errors,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        "http_p50_ms": round(statistics.median(answer_ms), 1) if answer_ms else None,
        "http_p99_ms": round(percentile(answer_ms, 99), 1),
        "per_second": round(messages / elapsed, 1),
        "aborted": lost >= ABORT_AFTER_LOST,
        "commit_n": len(from_commit),
        "commit_p50_ms": round(statistics.median(from_commit), 1) if from_commit else None,
        "commit_p99_ms": round(percentile(from_commit, 99), 1) if from_commit else None,
    }


def watch_all(thread_id: int, n: int) -> None:
    """The N bench people watch the fan-out thread: a reply to it notifies all of them (forum.reply)."""
    from django.db import connection

    from forums.models import ThreadUser, WatchLevel
    from portal.people.models import User

    ids = User.objects.filter(username__in=[f"bench_{i}" for i in range(n)]).values_list("pk", flat=True)
    ThreadUser.objects.bulk_create(
        [ThreadUser(thread_id=thread_id, user_id=pk, level=WatchLevel.WATCH) for pk in ids],
        batch_size=500,
        ignore_conflicts=True,
    )
    connection.close()


def notify_all_direct(n: int) -> tuple[float, float]:
    """One notify() to the N bench people in this process (as a task or command does), timed at its commit:
    (commit started, commit and its after-commit callbacks done), perf_counter."""
    from django.db import connection, transaction

    from portal.notifications.services import notify
    from portal.people.models import User

    people = list(User.objects.filter(username__in=[f"bench_{i}" for i in range(n)]))
    with transaction.atomic():
        notify(recipients=people, kind="story.approved", params={"title": "Bench"})
        t_commit = time.perf_counter()  # leaving the block commits, then runs the on_commit push
    t_done = time.perf_counter()
    connection.close()
    return t_commit, t_done


async def measure_fanout(
    *, port: int, sockets, actions: int, actor: str, thread_id: int, direct: bool = False
) -> dict:
    """`actions` notifications to all N people, one at a time. Over HTTP (`direct` False): replies to a thread
    all N watch, timed from the request (the action's own time included) and from its answer. In process
    (`direct`): notify() in a transaction of this process, timed from the commit, as `make bench` does."""
    import httpx

    loop = asyncio.get_running_loop()
    waiting: list = []

    async def listen(k, ws):
        with contextlib.suppress(Exception):
            async for raw in ws:
                now = time.perf_counter()
                if json.loads(raw).get("type") == "notification" and waiting and not waiting[k].done():
                    waiting[k].set_result(now)

    listeners = [asyncio.create_task(listen(k, ws)) for k, ws in enumerate(sockets)]
    latencies, after_answer, answers, lost, http_errors = [], [], [], 0, 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        for i in range(actions):
            waiting[:] = [loop.create_future() for _ in sockets]
            if direct:
                t0, t_answer = await asyncio.to_thread(notify_all_direct, len(sockets))
            else:
                t0 = time.perf_counter()
                r = await http.post(
                    f"/api/v1/threads/{thread_id}/posts",
                    json={"body": f"fan-out {i}"},
                    headers={"Authorization": f"Bearer {actor}"},
                )
                t_answer = time.perf_counter()
                if r.status_code >= 300:
                    http_errors += 1
                    continue
            answers.append((t_answer - t0) * 1000)
            done, pending = await asyncio.wait(waiting, timeout=RECEIPT_TIMEOUT)
            latencies.extend((f.result() - t0) * 1000 for f in done)
            after_answer.extend((f.result() - t_answer) * 1000 for f in done)
            lost += len(pending)
            await asyncio.sleep(0.5)
    for task in listeners:
        task.cancel()
    return {
        "mode": "fanout-direct" if direct else "fanout",
        "in_flight": 1,
        "sent": actions * len(sockets),
        "received": len(latencies),
        "lost": lost,
        "http_errors": http_errors,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        # direct: the commit with its after-commit callbacks (what the committing request waits for)
        "http_p50_ms": round(statistics.median(answers), 1) if answers else None,
        "http_p99_ms": round(percentile(answers, 99), 1),
        "after_answer_p50_ms": round(statistics.median(after_answer), 1) if after_answer else None,
        "after_answer_p99_ms": round(percentile(after_answer, 99), 1),
        "per_second": None,
        "aborted": False,
    }


def notify_child(n: int, rounds: int, pause: float) -> None:
    """`--notify-child`: in its own process (as bench/run.py keeps the notifying process apart from the 1,000
    client sockets), `rounds` notify() calls to all N bench people, `pause` s apart. Prints one JSON line:
    {"sent": {notification id: commit instant (time.time())}, "commit_ms": [commit + after-commit callbacks]}."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.backends.base.base import BaseDatabaseWrapper

    from portal.notifications import live
    from portal.notifications.services import notify
    from portal.people.models import User

    commit = BaseDatabaseWrapper.commit

    def timed_commit(self):
        commit(self)
        self.bench_committed_at = time.time()

    BaseDatabaseWrapper.commit = timed_commit
    people = list(User.objects.filter(username__in=[f"bench_{i}" for i in range(n)]))
    sent: dict[int, float] = {}
    commit_ms: list[float] = []
    for _ in range(rounds):
        with transaction.atomic():
            made = notify(recipients=people, kind="story.approved", params={"title": "Bench"})
        committed_at = connection.bench_committed_at
        commit_ms.append((time.time() - committed_at) * 1000)
        sent.update({m.pk: committed_at for m in made})
        time.sleep(pause)
    live.flush(10)
    print(json.dumps({"sent": sent, "commit_ms": commit_ms}), flush=True)


async def measure_fanout_split(*, sockets, rounds: int, pause: float = 3.0) -> dict:
    """notify() to all N in another process (`--notify-child`), timed from its commit to each receipt here."""
    received: dict[int, float] = {}

    async def listen(ws):
        with contextlib.suppress(Exception):
            async for raw in ws:
                wall = time.time()
                data = json.loads(raw)
                if data.get("type") == "notification":
                    received.setdefault(data["id"], wall)

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--notify-child",
        str(len(sockets)),
        str(rounds),
        str(pause),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _err = await child.communicate()
    await asyncio.sleep(RECEIPT_TIMEOUT / 2)
    for task in listeners:
        task.cancel()
    report = json.loads(out.decode().strip().splitlines()[-1])
    sent = {int(k): v for k, v in report["sent"].items()}
    latencies = [(received[i] - t) * 1000 for i, t in sent.items() if i in received]
    commit_ms = report["commit_ms"]
    return {
        "mode": "fanout-split",
        "in_flight": 1,
        "sent": len(sent),
        "received": len(latencies),
        "lost": len(sent) - len(latencies),
        "http_errors": 0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1) if latencies else None,
        # the commit's after-commit callbacks in the notifying process (what a committing request waits for)
        "http_p50_ms": round(statistics.median(commit_ms), 1) if commit_ms else None,
        "http_p99_ms": round(percentile(commit_ms, 99), 1),
        "per_second": None,
        "aborted": False,
    }


async def run_layer(
    *,
    port: int,
    n: int,
    actor: str,
    tokens: list[str],
    messages: int,
    messages_20: int,
    modes: list[str],
    results: list,
    fanout_actions: int = 10,
):
    import httpx

    origin = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=origin, timeout=30) as http:
        r = await http.post(
            f"/api/v1/forums/{JAGO}/threads",
            json={"title": f"Bench {time.time():.0f}", "body": "Latency benchmark.", "kind": "discussion"},
            headers={"Authorization": f"Bearer {actor}"},
        )
        r.raise_for_status()
        thread_id = r.json()["id"]
    # Pelita: N authenticated sockets.
    started = time.perf_counter()
    sockets = await open_sockets(
        [(f"ws://127.0.0.1:{port}/ws/notifications/", {"Authorization": f"Bearer {t}"}) for t in tokens],
        origin,
    )
    for ws in sockets:  # the greeting (unread count)
        await asyncio.wait_for(ws.recv(), 30)
    print(f"  {len(sockets)} Pelita sockets open in {time.perf_counter() - started:.1f} s", flush=True)
    ids: dict[int, list[int]] = collections.defaultdict(list)
    for mode in ("pelita", "read"):
        if mode not in modes:
            continue
        for in_flight, count in ((1, messages), (20, messages_20)):
            res = await measure(
                port=port,
                mode=mode,
                sockets=sockets,
                messages=count,
                in_flight=in_flight,
                actor=actor,
                thread_id=thread_id,
                tokens=tokens,
                ids=ids,
            )
            print(f"  {res}", flush=True)
            results.append(res)
    if "fanout" in modes:
        async with httpx.AsyncClient(base_url=origin, timeout=30) as http:
            r = await http.post(
                f"/api/v1/forums/{JAGO}/threads",
                json={
                    "title": f"Fan-out {time.time():.0f}",
                    "body": "Everybody watches.",
                    "kind": "discussion",
                },
                headers={"Authorization": f"Bearer {actor}"},
            )
            r.raise_for_status()
            fanout_thread = r.json()["id"]
        await asyncio.to_thread(watch_all, fanout_thread, n)
        res = await measure_fanout(
            port=port, sockets=sockets, actions=fanout_actions, actor=actor, thread_id=fanout_thread
        )
        print(f"  {res}", flush=True)
        results.append(res)
        res = await measure_fanout(
            port=port,
            sockets=sockets,
            actions=fanout_actions,
            actor=actor,
            thread_id=fanout_thread,
            direct=True,
        )
        print(f"  {res}", flush=True)
        results.append(res)
    if "split" in modes:
        res = await measure_fanout_split(sockets=sockets, rounds=fanout_actions)
        print(f"  {res}", flush=True)
        results.append(res)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    if "floor" not in modes:
        return results
    # Floor: N bare sockets on the same server and layer.
    sockets = await open_sockets(
        [(f"ws://127.0.0.1:{port}/bench/ws/floor/?n={k}", {}) for k in range(n)], origin
    )
    await asyncio.sleep(1)
    for in_flight, count in ((1, messages), (20, messages_20)):
        res = await measure(
            port=port,
            mode="floor",
            sockets=sockets,
            messages=count,
            in_flight=in_flight,
            actor=actor,
            thread_id=thread_id,
        )
        print(f"  {res}", flush=True)
        results.append(res)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200, help="actions with 1 in flight")
    parser.add_argument("--messages-20", type=int, default=1000, help="actions with 20 in flight")
    parser.add_argument("--layers", default="pubsub,core")
    parser.add_argument("--layer-timeout", type=float, default=900, help="seconds per layer before giving up")
    parser.add_argument(
        "--modes",
        default="pelita,read,fanout,floor",
        help="pelita (forum post), read, fanout (a reply notifying all N; and notify() in this process), "
        "split (notify() to all N in another process), floor",
    )
    parser.add_argument("--notify-child", nargs=3, metavar=("N", "ROUNDS", "PAUSE"), help=argparse.SUPPRESS)
    parser.add_argument("--fanout-actions", type=int, default=10, help="replies that notify all N people")
    args = parser.parse_args()
    if args.notify_child:
        n, rounds, pause = args.notify_child
        return notify_child(int(n), int(rounds), float(pause))

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pelita_notif"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "PELITA_CHANNEL_PREFIX": os.environ.get("PELITA_CHANNEL_PREFIX", "pelita_notif_bench"),
        "PELITA_CACHE_PREFIX": os.environ.get("PELITA_CACHE_PREFIX", "pelita_notif_bench"),
    }
    os.environ.update(env)
    print(f"preparing {args.sockets} people …", flush=True)
    actor, tokens = prepare(args.sockets)
    report = {"sockets": args.sockets, "cpus": os.cpu_count(), "load_before": os.getloadavg(), "runs": {}}
    for layer in args.layers.split(","):
        print(f"layer {layer}:", flush=True)
        with server(layer, env) as (port, errors):
            results: list = []
            try:
                asyncio.run(
                    asyncio.wait_for(
                        run_layer(
                            port=port,
                            n=args.sockets,
                            actor=actor,
                            tokens=tokens,
                            messages=args.messages,
                            messages_20=args.messages_20,
                            modes=args.modes.split(","),
                            results=results,
                            fanout_actions=args.fanout_actions,
                        ),
                        timeout=args.layer_timeout,
                    )
                )
                failure = None
            except Exception as exc:  # a layer that wedges the server is a result, not a crash of the bench
                failure = f"{exc.__class__.__name__}: {exc}"
                print(f"  FAILED: {failure}", flush=True)
        report["runs"][layer] = {
            "results": results,
            "failure": failure,
            "server_errors": len(errors),
            "error_sample": errors[:5],
        }
        print(f"  server log lines with errors/warnings: {len(errors)}", flush=True)
    report["load_after"] = os.getloadavg()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notify_latency.json").write_text(json.dumps(report, indent=2))
    print(
        "\n| layer | what | in flight | p50 ms | p99 ms | max ms | HTTP answer p50 / p99 ms | lost | HTTP errors | actions/s "
        "| commit → receipt p50 / p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for layer, run in report["runs"].items():
        for r in run["results"]:
            print(
                f"| {layer} | {r['mode']} | {r['in_flight']} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | "
                f"{r['http_p50_ms']} / {r['http_p99_ms']} | "
                f"{r['lost']} of {r['sent']}{' (stopped)' if r['aborted'] else ''} | {r['http_errors']} | "
                f"{r['per_second']} | {r.get('commit_p50_ms')} / {r.get('commit_p99_ms')} |"
            )


if __name__ == "__main__":
    main()
