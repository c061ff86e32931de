"""Commitments benchmark: the province dashboard with its commitments section at national scale.

    .venv/bin/python bench/commitments_bench.py [--runs 25] [--database NAME]

Uses `pelita_bench` when `make bench` has generated national data there, else its own `pelita_commitments_bench`
(created, migrated and filled once by `generate_load_data --scale national`: the national area tree, 100,000
cases, 300,000 referrals, 1,000,000 posts and the commitments of all 83,763 villages x 3 years). Redis db 6 for
the cache (BENCH_REDIS_URL), as production caches in Redis. In-process through Django's test client, logged in as
the provincial coordinator, with medians (p50) and p90 of:
  - the baseline: the trivial logged-in page of bench/loadgen (same middleware, session, templates);
  - rollup(area=52) with nothing cached, and with the children counts cached (what a commitments write leaves),
    and rollup(area=None) (the country);
  - GET /dashboard/ for the province, warm (the indicators and the section cached, as any coordinator after the
    first sees it), and with only the commitments section cold (a write just bumped its version);
  - GET /commitments/a/52/ and /commitments/a/52.02/ (the kabupaten with its villages), warm and cold;
  - GET /api/v1/public/commitments?area=52 warm.
Ratios to the baseline are printed beside the times; the load average before and after is printed, since the
machine is shared. Target: the province dashboard with the commitments section p50 < 300 ms warm."""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _psql(server, sql):
    return subprocess.run(
        ["psql", server + "/postgres", "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def choose_database(server: str, name: str | None) -> str:
    if name:
        chosen = name
    else:
        chosen = "pelita_commitments_bench"
        if _psql(server, "SELECT 1 FROM pg_database WHERE datname = 'pelita_bench'"):
            has = subprocess.run(
                ["psql", server + "/pelita_bench", "-tAc", "SELECT 1 FROM loadgen_loadrun WHERE scale = 'national'"],
                capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip
            if has:
                chosen = "pelita_bench"
    if not _psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{chosen}'"):
        subprocess.run(["psql", server + "/postgres", "-c", f"CREATE DATABASE {chosen}"], check=True)
    return chosen


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--database")
    args = parser.parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    name = choose_database(server, args.database)
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    from bench.loadgen.generate import generate

    t = time.monotonic()
    run = generate(scale="national", log=lambda line: print(line, flush=True))
    print(f"database {name}: national data ready ({time.monotonic() - t:.0f} s here)", flush=True)
    from django.contrib.auth import get_user_model

    from commitments.models import BudgetLine, Policy
    from commitments.selectors import bump_version, current_year, rollup
    from portal.areas.models import Area, Level

    year = current_year()
    counts = {
        "areas": Area.objects.count(),
        "villages": Area.objects.filter(level=Level.VILLAGE).count(),
        "budget lines": BudgetLine.objects.count(),
        "policies": Policy.objects.count(),
    }
    print(counts, flush=True)
    user = get_user_model().objects.get(username=run.info["coordinator"])
    client = Client()
    client.force_login(user)
    ntb = Area.objects.get(code="52")
    load_before = os.getloadavg()
    with override_settings(ROOT_URLCONF="bench.loadgen.bench_urls"):
        client.get("/dashboard/")  # the working-day calendar and the indicators, once (cached from here)
        client.get("/dashboard/")
        results = {"baseline (trivial page)": timed(lambda: client.get("/bench/baseline/"), args.runs)}
        results["rollup(area=52), nothing cached"] = timed(
            lambda: (cache.clear(), rollup(area=ntb, year=year)), 5
        )
        results["rollup(area=52), children counts cached"] = timed(
            lambda: rollup(area=ntb, year=year), max(5, args.runs // 3)
        )
        results["rollup(area=None), children counts cached (country)"] = timed(
            lambda: rollup(area=None, year=year), 5
        )
        client.get("/dashboard/")  # the indicators again, after the cache was cleared above

        def get(url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        results["GET /dashboard/ (province) warm"] = timed(lambda: get("/dashboard/"), args.runs)
        results["GET /dashboard/ (province), commitments cold"] = timed(
            lambda: (bump_version(), get("/dashboard/")), max(5, args.runs // 3)
        )
        for url in ("/commitments/a/52/", "/commitments/a/52.02/"):
            results[f"GET {url} warm"] = timed(lambda u=url: get(u), args.runs)
            results[f"GET {url} cold"] = timed(lambda u=url: (bump_version(), get(u)), max(5, args.runs // 3))
        results["GET /api/v1/public/commitments?area=52 warm"] = timed(
            lambda: get("/api/v1/public/commitments?area=52"), args.runs
        )
        page = client.get("/dashboard/").content.decode()
        assert "Komitmen" in page or "Commitments" in page
    load_after = os.getloadavg()
    base = results["baseline (trivial page)"][0]
    print(f"\nload average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2 cores, shared)")
    print(f"{'what':52} {'p50 ms':>8} {'p90 ms':>8} {'x baseline':>10}")
    for what, (p50, p90) in results.items():
        print(f"{what:52} {p50:8.1f} {p90:8.1f} {p50 / base:10.1f}")
    del settings


if __name__ == "__main__":
    main()
