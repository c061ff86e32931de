"""Where the time of `POST /api/v1/threads/{id}/posts` with an @mention goes (issue 17, "live delivery").

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/post_profile.py --posts 200

In process, Django's test client, the production settings over plain HTTP (portal.settings.bench), the
people bench/notify_latency.py makes (`bench_actor` mentions `bench_K`). Prints the median wall time of a
request and of its parts (cProfile's cumulative time per call of the named functions, so the parts overlap:
`post_create` holds `_render`, `notify` …), and the queries of one request."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTS = [
    ("forums/api.py", "thread_post_create", "the view"),
    ("forums/selectors.py", "thread_get", "thread_get (the view's read, before)"),
    ("forums/selectors.py", "thread_reply_get", "thread_reply_get (the view's read, after)"),
    ("forums/services.py", "post_create", "post_create (service, transaction)"),
    ("forums/services.py", "require", "require (permission check)"),
    ("forums/services.py", "_lock_thread", "_lock_thread (SELECT … FOR UPDATE)"),
    ("forums/services.py", "_render", "_render (markdown, mention lookup)"),
    ("forums/services.py", "_watch", "_watch (author's marker)"),
    ("forums/services.py", "_mention", "_mention (readers, Mention rows, notify)"),
    ("forums/services.py", "_watchers", "_watchers"),
    ("portal/notifications/services.py", "notify", "notify()"),
    ("portal/notifications/services.py", "_after_commit", "after commit: counts, queue the push"),
    ("forums/pagecache.py", "touch_thread", "pagecache.touch_thread"),
    ("forums/pagecache.py", "touch_reader", "pagecache.touch_reader"),
    ("forums/api.py", "post_out", "post_out (the answer)"),
    ("django/db/backends/utils.py", "_execute", "SQL execution (all queries)"),
    ("django/db/models/sql/compiler.py", "as_sql", "SQL compilation (all)"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--people", type=int, default=50, help="bench_K people to mention (made if missing)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    from bench.notify_latency import JAGO, prepare

    prepare(args.people)  # sets Django up; idempotent
    from django.db import connection
    from django.test import Client

    from portal.people.models import User
    from portal.people.services import token_issue

    actor = User.objects.get(username="bench_actor")
    key, _ = token_issue(user=actor)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    client = Client(HTTP_HOST="127.0.0.1")
    r = client.post(
        f"/api/v1/forums/{JAGO}/threads",
        {"title": f"Profile {time.time():.0f}", "body": "Where the time goes.", "kind": "discussion"},
        **auth,
    )
    assert r.status_code == 201, r.content
    url = f"/api/v1/threads/{r.json()['id']}/posts"
    for i in range(10):  # warm up
        client.post(url, {"body": f"@bench_{i % args.people} warm"}, **auth)
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.post(url, {"body": "@bench_1 one"}, **auth)
    walls, profile = [], cProfile.Profile()
    for i in range(args.posts):
        t0 = time.perf_counter()
        profile.enable()
        r = client.post(url, {"body": f"@bench_{i % args.people} ping"}, **auth)
        profile.disable()
        walls.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 201, r.content
    stats = pstats.Stats(profile).stats
    print(f"load average {os.getloadavg()}")
    print(f"request wall p50 {statistics.median(walls):.1f} ms, mean {statistics.mean(walls):.1f} ms")
    print("| part | ms per request (cumulative) | calls per request |\n|---|---|---|")
    for path, name, label in PARTS:
        cum = calls = 0
        for (file, _line, func), (_cc, nc, _tt, ct, _callers) in stats.items():
            if func == name and file.endswith(path):
                cum += ct
                calls += nc
        print(f"| {label} | {cum / args.posts * 1000:.2f} | {calls / args.posts:.1f} |")
    print(f"\n{len(queries)} queries in one request (after the commit included):")
    for sql in queries:
        print(f"  {sql[:150]}")


if __name__ == "__main__":
    main()
