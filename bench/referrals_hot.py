"""The agency inbox and the referral page, measured in process as a liaison: CPU per request (median) next to the
bench's trivial view (/bench/baseline/) through the same client, middleware, session and user, in the same run.
The two are requested alternately (the same moments of the machine's load). The ratio is trivial CPU / page CPU: the throughput ratio a CPU-bound worker would reach (issue 17's target for
both pages: >= 0.25). Neither page is cached (the referral page carries a child's identity; the inbox is
rendered for each request): these figures are what every request pays.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/referrals_hot.py [--requests 100] [--profile]

Needs the load data of `generate_load_data` (any scale) in that database. Figures go to docs/PERFORMANCE.md
("Referrals")."""

import argparse
import json
import os
import sys
from pathlib import Path

# PELITA_BENCH_ROOT: measure another checkout's code with this script (the "before" of a change).
ROOT = Path(os.environ.get("PELITA_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.forums_pagecache import profile, queries  # noqa: E402
from bench.loadgen.models import LoadRun  # noqa: E402

PAGES = {
    "inbox": "/cases/inbox/",
    "inbox_overdue": "/cases/inbox/?tab=overdue",
    "inbox_all": "/cases/inbox/?tab=all",
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--profile", action="store_true")
    p.add_argument(
        "--only", default="", help="comma-separated pages (inbox,inbox_overdue,inbox_all,referral)"
    )
    p.add_argument(
        "--states",
        default="hit,miss,cold",
        help="for the inbox: hit (as cached), miss (the page dropped before each request; its counts and "
        "kecamatan list cached), cold (the agencies' versions bumped before each request: what the first view "
        "after every write pays)",
    )
    a = p.parse_args()
    run = LoadRun.objects.order_by("-pk").first()
    info = run.info
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=info["liaison"]))
    urls = {
        "baseline": reverse("bench_baseline"),
        **PAGES,
        "referral": reverse("referrals:referral_detail", args=[info["referral"]]),
    }
    for url in urls.values():  # warm: content types, permissions, templates
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    n = a.requests
    out = {
        "scale": run.scale,
        "requests": n,
        "database": connection.vendor,
        "cache": settings.CACHES["default"]["BACKEND"],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    only = set(filter(None, a.only.split(",")))
    user = get_user_model().objects.get(username=info["liaison"])
    for page, url in urls.items():
        if page == "baseline" or (only and page not in only):
            continue
        states = a.states.split(",") if page.startswith("inbox") else ["uncached"]
        for state in states:
            before = _before(state, user, url)
            base, ms, wall_base, wall = paired_wall(client, urls["baseline"], url, n, before)
            out[f"{page}:{state}"] = {
                "ms": round(ms, 2),
                "baseline_ms": round(base, 2),
                "ratio": round(base / ms, 3),
                "wall_ms": round(wall, 2),
                "wall_baseline_ms": round(wall_base, 2),
                "wall_ratio": round(wall_base / wall, 3),
                "queries": queries(client, url, before),
            }
            if a.profile:
                out[f"{page}:{state}"]["profile"] = profile(client, url, max(n // 4, 20))
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


def _before(state, user, url):
    """What is dropped before each request of a state (nothing on code without the inbox's cache)."""
    try:
        from portal.core import pagecache
        from referrals import pagecache as deps
    except ImportError:
        return None
    from django.core.cache import cache
    from django.utils.translation import get_language

    agencies = list(user.groups.filter(agency__isnull=False).values_list("agency__pk", flat=True))
    if state == "miss":
        return lambda: cache.delete_many(
            [pagecache.page_key("inbox", user.pk, lang, url) for lang in ("id", "en", get_language())]
        )
    if state == "cold":
        return lambda: pagecache.bump_now(*(deps.agency_key(x) for x in agencies))
    return None


def paired_wall(client, base_url, url, n, before=None):
    """paired() with wall time too: at national scale the database's time (not this process's CPU) dominates."""
    import statistics
    import time

    base, page, wbase, wpage = [], [], [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        assert client.get(base_url).status_code == 200
        base.append(time.process_time() - c)
        wbase.append(time.perf_counter() - w)
        if before:
            before()
        w, c = time.perf_counter(), time.process_time()
        assert client.get(url).status_code == 200, url
        page.append(time.process_time() - c)
        wpage.append(time.perf_counter() - w)
    med = statistics.median
    return med(base) * 1000, med(page) * 1000, med(wbase) * 1000, med(wpage) * 1000


if __name__ == "__main__":
    main()
