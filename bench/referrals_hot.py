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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.forums_pagecache import paired, profile, queries  # noqa: E402
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
    for page, url in urls.items():
        if page == "baseline":
            continue
        base, ms = paired(client, urls["baseline"], url, n)
        out[page] = {
            "ms": round(ms, 2),
            "baseline_ms": round(base, 2),
            "ratio": round(base / ms, 3),
            "queries": queries(client, url),
        }
        if a.profile:
            out[page]["profile"] = profile(client, url, max(n // 4, 20))
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
