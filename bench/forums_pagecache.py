"""The forum pages' cache, measured in process: CPU per request of the thread page and the forum page on a cache
hit, on a miss (the page's version bumped before each request: what the first view after a change pays), on a
miss of this viewer's page only (their read marker's version bumped) and with the cache off, each requested
alternately with the bench's trivial view (/bench/baseline/) through the same client, middleware, session and
user. The ratio is trivial CPU / page CPU: the throughput ratio a CPU-bound worker would reach.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/forums_pagecache.py [--requests 200] [--profile]

Needs the load data of `generate_load_data` (any scale) in that database. Figures go to docs/PERFORMANCE.md
("Forums: hot pages")."""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.loadgen.models import LoadRun  # noqa: E402
from forums import pagecache as deps  # noqa: E402
from forums.models import Forum, Thread  # noqa: E402
from portal.core.pagecache import bump_now  # noqa: E402

CATEGORIES = [
    ("templates", ("django/template/", "templatetags")),
    ("SQL compilation", ("django/db/models/sql/", "django/db/models/query", "django/db/models/expressions")),
    ("database driver", ("psycopg", "sqlite3", "django/db/backends")),
    ("cache", ("django/core/cache", "redis")),
    ("middleware, session, auth", ("django/contrib/sessions", "django/contrib/auth", "middleware")),
    ("forums view and selectors", ("forums/",)),
]


def paired(client, base_url, url, n, before=None) -> tuple[float, float]:
    """Median CPU of the trivial view and of the page, requested alternately (the same moments of a shared
    machine's load for both: the ratio of a pair is steadier than two medians taken minutes apart)."""
    base, page = [], []
    for _ in range(n):
        start = time.process_time()
        response = client.get(base_url)
        base.append(time.process_time() - start)
        assert response.status_code == 200, (base_url, response.status_code)
        if before:
            before()
        start = time.process_time()
        response = client.get(url)
        page.append(time.process_time() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(base) * 1000, statistics.median(page) * 1000


def queries(client, url, before=None) -> int:
    if before:
        before()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def profile(client, url, n, before=None) -> dict:
    # CPU time, not the wall clock: the database's waiting is not the page's CPU.
    prof = cProfile.Profile(time.process_time)
    for _ in range(n):
        if before:
            before()
        prof.enable()
        client.get(url)
        prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = sum(v[2] for v in stats.stats.values())  # tottime
    shares = dict.fromkeys([c for c, _ in CATEGORIES] + ["other"], 0.0)
    for (filename, _line, _func), value in stats.stats.items():
        for category, needles in CATEGORIES:
            if any(needle in filename for needle in needles):
                shares[category] += value[2]
                break
        else:
            shares["other"] += value[2]
    return {k: round(100 * v / total, 1) for k, v in shares.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--only", choices=["thread", "forum", "my"])
    a = p.parse_args()
    run = LoadRun.objects.order_by("-pk").first()
    info = run.info
    user = get_user_model().objects.get(username=info["member"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    thread = Thread.objects.get(pk=info["thread"])
    forum = Forum.objects.select_related("area").get(area__code=info["forum"])
    urls = {
        "baseline": reverse("bench_baseline"),
        "thread": reverse("forums:thread", args=[thread.pk]),
        "forum": reverse("forums:forum", args=[forum.area.code]),
        "my": reverse("forums:my_forums"),
    }
    bumps = {
        "thread": lambda: bump_now(deps.thread_key(thread.pk)),
        "forum": lambda: bump_now(deps.forum_key(forum.pk)),
        "my": lambda: bump_now(deps.forum_key(forum.pk)),  # one of the person's forums changed
    }
    # A miss of this viewer's page only (their read marker moved, the page itself did not change): what every
    # other reader pays after someone else's change has been rendered once.
    viewer_bumps = {
        "thread": lambda: bump_now(deps.read_key(user.pk, thread.pk)),
        "forum": lambda: bump_now(deps.forum_read_key(user.pk, forum.pk)),
        "my": lambda: bump_now(deps.my_reads_key(user.pk)),  # renders all of "my forums" again as well
    }
    for url in urls.values():  # warm: the marker moved, caches and content types loaded
        for _ in range(3):
            client.get(url)
    n = a.requests
    out = {
        "scale": run.scale,
        "requests": n,
        "database": connection.vendor,
        "cache": settings.CACHES["default"]["BACKEND"],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    base_url = urls["baseline"]
    for page in [a.only] if a.only else ["thread", "forum", "my"]:
        url = urls[page]
        b_hit, hit = paired(client, base_url, url, n)
        b_miss, miss = paired(client, base_url, url, n, before=bumps[page])
        b_viewer, viewer_miss = paired(client, base_url, url, n, before=viewer_bumps[page])
        settings.PELITA_PAGE_CACHE = False
        b_off, off = paired(client, base_url, url, n)
        q_off = queries(client, url)
        settings.PELITA_PAGE_CACHE = True
        client.get(url)
        out[page] = {
            "hit_ms": round(hit, 2),
            "miss_ms": round(miss, 2),
            "viewer_miss_ms": round(viewer_miss, 2),
            "off_ms": round(off, 2),
            "baseline_ms": [round(b, 2) for b in (b_hit, b_miss, b_viewer, b_off)],
            "hit_ratio": round(b_hit / hit, 3),
            "miss_ratio": round(b_miss / miss, 3),
            "viewer_miss_ratio": round(b_viewer / viewer_miss, 3),
            "off_ratio": round(b_off / off, 3),
            "queries_hit": queries(client, url),
            "queries_miss": queries(client, url, before=bumps[page]),
            "queries_off": q_off,
        }
        if a.profile:
            out[page]["profile_miss"] = profile(client, url, max(n // 4, 20), before=bumps[page])
            out[page]["profile_hit"] = profile(client, url, max(n // 4, 20))
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
