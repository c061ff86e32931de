"""Forum benchmark: fill one forum with 10,000 threads and 200,000 posts, serve the real ASGI app with uvicorn
(one worker), and measure the forum page and the thread page next to a trivial view through the same server.

    .venv/bin/python bench/forums_bench.py            # fill (once, cached in /tmp), serve, measure, print
    .venv/bin/python bench/forums_bench.py --refill   # rebuild the database first

Needs `wrk` (apt-get install -y wrk); falls back to an httpx/asyncio client without it. The database is a
separate SQLite file (WAL, IMMEDIATE transactions, busy timeout: the same options as the project's settings),
so nothing of the developer's own database is touched. Figures go to docs/PERFORMANCE.md under "Forums".

Pages measured, logged in as a member of the forum, 10 concurrent connections:
- trivial: a view that returns "ok" (the server's own ceiling: ASGI + middleware + session + auth);
- forum: /forums/f/<dusun>/ page 1 (10,000 threads, pinned first, unread marks, needs attention);
- thread: /forums/t/<random id>/, a 20-post page of a random thread. Each first view of a thread moves the
  reader's marker (a write), so this run mixes reads and writes and shows whether SQLite says "locked".
"""

import argparse
import asyncio
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_PATH = Path(os.environ.get("FORUMS_BENCH_DB", "/tmp/pelita_forums_bench.sqlite3"))
THREADS = int(os.environ.get("FORUMS_BENCH_THREADS", "10000"))
POSTS = int(os.environ.get("FORUMS_BENCH_POSTS", "200000"))
CONCURRENCY = 10
DURATION = int(os.environ.get("FORUMS_BENCH_SECONDS", "15"))
PORT = int(os.environ.get("FORUMS_BENCH_PORT", "8765"))


def configure() -> None:
    """Django settings for the bench: dev settings, DEBUG off, the bench's own SQLite file and URLconf."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import portal.settings.dev as s

    s.DEBUG = False
    s.ROOT_URLCONF = "forums_bench"
    s.LOGGING["root"]["level"] = "ERROR"
    s.DATABASES = {
        "default": {
            **s.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DB_PATH,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
    import django

    django.setup()


def __getattr__(name):
    """This module is also the server's URLconf: the project's URLs plus the trivial baseline view."""
    if name == "urlpatterns":
        from django.http import HttpResponse
        from django.urls import path

        from portal.urls import urlpatterns as project

        def trivial(request):
            return HttpResponse("ok", content_type="text/plain")

        return [path("bench/trivial", trivial), *project]
    if name == "asgi_app":  # what each uvicorn worker process imports
        configure()
        from portal.asgi import application

        return application
    raise AttributeError(name)


# --- fill ----------------------------------------------------------------------------------------------------


def fill() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from forums.markup import render_markdown
    from forums.models import Post, Thread
    from forums.services import forum_ensure
    from portal.core.demo import seed_platform
    from tests.conftest import AREAS_DIR

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from portal.agencies.catalogue import services_sync
    from portal.areas.services import areas_load

    areas_load(data_dir=AREAS_DIR, force=True)
    services_sync()
    demo = seed_platform(password="bench-Passw0rd-forums")
    dusun = demo["hamlets"]["52.02.01.2013"][0]
    forum = forum_ensure(area=dusun)
    authors = [demo["users"][u] for u in ("kader_jago", "fasilitator_jago", "pendamping_jago")]
    if not Thread.objects.filter(forum=forum).exists():
        body = (
            "Anak di RT 02 belum punya **akta kelahiran**; ibunya bekerja di Malaysia. "
            "Sudah ditanyakan ke kantor desa, menunggu surat keterangan. @kader_jago mohon dicek."
        )
        html = render_markdown(body, mentions={"kader_jago": "kader_jago"})
        per_thread = POSTS // THREADS
        now = timezone.now()
        with transaction.atomic():
            for start in range(0, THREADS, min(1000, THREADS)):
                threads = [
                    Thread(
                        forum=forum,
                        title=f"Thread uji nomor {i}: koordinasi akta dan sekolah",
                        author=authors[i % 3],
                        last_post_at=now - timedelta(minutes=THREADS - i),
                        last_post_number=per_thread,
                        posts_count=per_thread,
                    )
                    for i in range(start, min(start + 1000, THREADS))
                ]
                Thread.objects.bulk_create(threads, batch_size=500)
            ids = list(Thread.objects.filter(forum=forum).values_list("pk", flat=True))
            batch = []
            for tid in ids:
                for n in range(1, per_thread + 1):
                    batch.append(
                        Post(thread_id=tid, number=n, author=authors[n % 3], body=body, body_html=html)
                    )
                if len(batch) >= 20_000:
                    Post.objects.bulk_create(batch, batch_size=2000)
                    batch = []
            Post.objects.bulk_create(batch, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    reader = get_user_model().objects.get(username="kader_jago")
    client = Client()
    client.force_login(reader)
    ids = list(Thread.objects.filter(forum=forum).order_by("pk").values_list("pk", flat=True))
    return {
        "session": client.cookies["sessionid"].value,
        "forum_url": f"/forums/f/{dusun.code}/",
        "thread_lo": ids[0],
        "thread_hi": ids[-1],
        "threads": Thread.objects.filter(forum=forum).count(),
        "posts": Post.objects.filter(thread__forum=forum).count(),
        "fill_seconds": round(time.perf_counter() - t0, 1),
    }


# --- measure -------------------------------------------------------------------------------------------------


def serve(workers: int = 1) -> subprocess.Popen:
    env = {**os.environ, "FORUMS_BENCH_DB": str(DB_PATH), "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    code = (
        "import uvicorn;"
        f"uvicorn.run('forums_bench:asgi_app', host='127.0.0.1', port={PORT}, workers={workers},"
        " log_level='error', access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/bench/trivial", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the bench server did not start")


WRK_LUA = """
math.randomseed(%(seed)d)
request = function()
  return wrk.format("GET", "/forums/t/" .. math.random(%(lo)d, %(hi)d) .. "/")
end
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"p50\\": %%f, \\"p99\\": %%f, \\"rps\\": %%f, \\"non2xx\\": %%d, \\"errors\\": %%d}\\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""

WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"p50\\": %f, \\"p99\\": %f, \\"rps\\": %f, \\"non2xx\\": %d, \\"errors\\": %d}\\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def run_wrk(path: str, session: str, *, script: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{DURATION}s",
            "--timeout",
            "10s",
            "-s",
            fh.name,
            "-H",
            f"Cookie: sessionid={session}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(fh.name)
    return json.loads(re.search(r"JSON(\{.*\})", out).group(1))


async def _httpx_run(urls, session: str) -> dict:

    import httpx

    latencies, non2xx, errors = [], 0, 0
    stop = time.monotonic() + DURATION

    async def worker():
        nonlocal non2xx, errors
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{PORT}", cookies={"sessionid": session}
        ) as c:
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    r = await c.get(urls())
                    if r.status_code >= 400:
                        non2xx += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "rps": len(latencies) / elapsed,
        "non2xx": non2xx,
        "errors": errors,
    }


def measure(info: dict, only: list[str] | None = None) -> dict:
    import random

    results = {}
    have_wrk = shutil.which("wrk") is not None
    targets = {
        "trivial": "/bench/trivial",
        "forum": info["forum_url"],
        "thread": None,
    }
    for name, path in targets.items():
        if only and name not in only:
            continue
        if have_wrk:
            if name == "thread":
                script = WRK_LUA % {"seed": 42, "lo": info["thread_lo"], "hi": info["thread_hi"]}
                results[name] = run_wrk("/", info["session"], script=script)
            else:
                results[name] = run_wrk(path, info["session"], script=WRK_DONE)
        else:
            rnd = random.Random(42)

            def pick(path=path, rnd=rnd):
                if path is None:
                    return f"/forums/t/{rnd.randint(info['thread_lo'], info['thread_hi'])}/"
                return path

            results[name] = asyncio.run(_httpx_run(pick, info["session"]))
    base = results.get("trivial", {}).get("rps")
    for r in results.values():
        r["vs_trivial"] = round(r["rps"] / base, 2) if base else None
        for k in ("p50", "p99", "rps"):
            r[k] = round(r[k], 1)
    results["client"] = "wrk" if have_wrk else "httpx"
    return results


def page_weights(info: dict) -> dict:
    """Bytes a phone downloads for the forum page: the HTML and every CSS/JS file it links, gzip-compressed."""
    import httpx

    cookies = {"sessionid": info["session"]}
    html = httpx.get(f"http://127.0.0.1:{PORT}{info['forum_url']}", cookies=cookies).text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    sizes = {"html": len(gzip.compress(html.encode()))}
    for asset in assets:
        sizes[asset] = len(gzip.compress(httpx.get(f"http://127.0.0.1:{PORT}{asset}").content))
    sizes["total_assets"] = sum(v for k, v in sizes.items() if k.startswith("/static/"))
    return sizes


def query_counts(info: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forums.models import Thread

    client = Client()
    client.cookies["sessionid"] = info["session"]
    thread = Thread.objects.filter(pk__gte=info["thread_lo"]).order_by("pk").first()
    out = {}
    for name, url in (("forum", info["forum_url"]), ("thread", f"/forums/t/{thread.pk}/")):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        out[name] = len(ctx.captured_queries)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (SQLite contention)")
    parser.add_argument(
        "--only", nargs="*", choices=["trivial", "forum", "thread"], help="measure only these"
    )
    args = parser.parse_args()
    if args.refill and DB_PATH.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(DB_PATH) + suffix).unlink(missing_ok=True)
    configure()
    info = fill()
    print(f"filled: {info['threads']} threads, {info['posts']} posts in {info['fill_seconds']} s", flush=True)
    queries = query_counts(info)
    proc = serve(args.workers)
    try:
        weights = page_weights(info)
        results = measure(info, args.only)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    report = {
        "queries": queries,
        "weights": weights,
        "results": results,
        "concurrency": CONCURRENCY,
        "workers": args.workers,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
