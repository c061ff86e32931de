"""Dashboard benchmark: 100,000 cases and 300,000 referrals on PostgreSQL, p50 of the province dashboard.

    .venv/bin/python bench/dashboard_bench.py [--cases 100000] [--referrals 300000] [--runs 15] [--fresh]

Creates (once) a dedicated database, `pelita_dash_bench` by default (PELITA_BENCH_DB), on the PostgreSQL server
of $BENCH_PG (default postgres://postgres@127.0.0.1:5432), migrates it, loads the NTB and Bali test areas and
bulk-inserts the cases (spread over NTB's desa and dusun, three years) and referrals (every status, realistic
timestamps). Then times, with a warm cache of nothing but PostgreSQL's own:
  - the selector `indicators(area=NTB)` (the figures alone),
  - GET /dashboard/ for the provincial coordinator (figures, charts, template),
  - GET /api/v1/indicators?area=52,
  - public_indicators("52") on a cold cache (the hourly recomputation, with suppression).
Prints p50 / p90 in milliseconds. Target: the province dashboard under 300 ms at p50."""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_database(server: str, name: str, fresh: bool) -> str:
    exists = subprocess.run(
        ["psql", server + "/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and fresh:
        subprocess.run(["psql", server + "/postgres", "-c", f"DROP DATABASE {name}"], check=True)
        exists = ""
    if not exists:
        subprocess.run(["psql", server + "/postgres", "-c", f"CREATE DATABASE {name}"], check=True)
    return f"{server}/{name}"


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def populate(n_cases: int, n_referrals: int) -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection

    from portal.agencies.catalogue import services_sync
    from portal.agencies.models import Agency, AgencyKind, Service
    from portal.agencies.services import agency_create
    from portal.areas.models import Area, Level
    from portal.areas.services import areas_load
    from portal.core.workdays import WITA, response_deadline
    from portal.people.models import Membership
    from referrals.models import ChildCase, Referral, Status

    rng = random.Random(42)
    if not Area.objects.filter(code="52").exists():
        areas_load(data_dir=ROOT / "tests" / "data" / "areas", force=True)
    services_sync()
    User = get_user_model()
    coordinator, _ = User.objects.get_or_create(username="bench_koordinator")
    worker, _ = User.objects.get_or_create(username="bench_pendamping")
    ntb = Area.objects.get(code="52")
    Membership.objects.get_or_create(user=coordinator, area=ntb, role="koordinator")
    if ChildCase.objects.count() >= n_cases and Referral.objects.count() >= n_referrals:
        return
    ChildCase.needs.through.objects.all().delete()
    Referral.objects.all().delete()
    ChildCase.objects.all().delete()
    services = list(Service.objects.all())
    agencies = list(Agency.objects.filter(area=ntb))
    if not agencies:
        for svc in services:
            agencies.append(
                agency_create(name=f"Bench {svc.slug}", kind=AgencyKind.OTHER, area=ntb, services=[svc])
            )
    agency_for = {a.services.first().pk: a for a in agencies}
    villages = list(Area.objects.filter(code__startswith="52.", level=Level.VILLAGE))
    now = dt.datetime.now(tz=WITA)
    start = now - dt.timedelta(days=3 * 365)
    t = time.perf_counter()
    cases, created_times = [], []
    for i in range(n_cases):
        village = rng.choice(villages)
        created = start + dt.timedelta(seconds=rng.randrange(int((now - start).total_seconds())))
        created_times.append(created)
        cases.append(
            ChildCase(
                code=f"APM-BENCH-{i:07d}",
                area=village,
                village=village,
                child_name="Bench",
                sex=rng.choice("MF"),
                birth_date=dt.date(2012, 1, 1),
                caregiver_name="Bench",
                caregiver_relation="nenek",
                parent_abroad="mother",
                destination_country="Malaysia",
                created_by=worker,
                created_at=created,
            )
        )
    ChildCase.objects.bulk_create(cases, batch_size=5000)
    # auto_now_add overrides created_at on insert: set it from the generated values in one statement per batch.
    ids = list(ChildCase.objects.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_created (id bigint, created timestamptz)")
        with cur.copy("COPY bench_created (id, created) FROM STDIN") as copy:
            for pk, created in zip(ids, created_times, strict=True):
                copy.write_row((pk, created))
        cur.execute(
            "UPDATE referrals_childcase c SET created_at = b.created FROM bench_created b WHERE b.id = c.id"
        )
    through = ChildCase.needs.through
    needs = []
    for pk in ids:
        for svc in rng.sample(services, rng.choice([1, 1, 2, 3])):
            needs.append(through(childcase_id=pk, service_id=svc.pk))
    through.objects.bulk_create(needs, batch_size=10000)
    print(f"cases: {len(ids)} in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    area_of = dict(ChildCase.objects.values_list("pk", "area_id"))
    created_of = dict(zip(ids, created_times, strict=True))
    statuses = [
        (Status.SENT, 8),
        (Status.ACCEPTED, 8),
        (Status.DECLINED, 7),
        (Status.IN_PROGRESS, 15),
        (Status.COMPLETED, 45),
        (Status.CLOSED, 7),
        (Status.WITHDRAWN, 5),
        (Status.DRAFT, 5),
    ]
    choices = [s for s, w in statuses for _ in range(w)]
    reasons = ["Sudah memiliki akta", "Bukan wilayah kerja kami", "Data tidak lengkap", "Sudah terdaftar PKH"]
    batch = []
    for _i in range(n_referrals):
        pk = rng.choice(ids)
        svc = rng.choice(services)
        status = rng.choice(choices)
        sent = created_of[pk] + dt.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 8))
        if sent > now:
            sent = now - dt.timedelta(hours=1)
        r = Referral(
            case_id=pk,
            area_id=area_of[pk],
            service=svc,
            agency=agency_for[svc.pk],
            status=status,
            created_by=worker,
        )
        if status != Status.DRAFT:
            r.sent_at = sent
            r.due_at = response_deadline(sent, working_days=3) if rng.random() < 0.9 else sent
            r.completion_due_at = sent + dt.timedelta(days=svc.completion_days)
            if status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED, Status.CLOSED):
                r.accepted_at = sent + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3, 4, 6, 9]), hours=3)
            if status == Status.COMPLETED:
                r.completed_at = r.accepted_at + dt.timedelta(days=rng.randint(2, 80))
            if status == Status.DECLINED:
                r.declined_at = sent + dt.timedelta(days=2)
                r.decline_reason = rng.choice(reasons)
        batch.append(r)
        if len(batch) == 10000:
            Referral.objects.bulk_create(batch)
            batch = []
    Referral.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"referrals: {Referral.objects.count()} in {time.perf_counter() - t:.0f} s", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = ensure_database(
        server, os.environ.get("PELITA_BENCH_DB", "pelita_dash_bench"), args.fresh
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    populate(args.cases, args.referrals)
    from django.contrib.auth import get_user_model

    from dashboard.selectors import indicators, public_indicators
    from portal.areas.models import Area

    ntb = Area.objects.get(code="52")
    user = get_user_model().objects.get(username="bench_koordinator")
    client = Client()
    client.force_login(user)
    indicators(area=ntb)  # the working-day calendar, once
    results = {
        "indicators(area=52)": timed(lambda: indicators(area=ntb), args.runs),
        "GET /dashboard/ (province)": timed(lambda: client.get("/dashboard/"), args.runs),
        "GET /dashboard/ (province), cold cache": timed(
            lambda: (cache.clear(), client.get("/dashboard/")), 5
        ),
        "GET /api/v1/indicators?area=52": timed(
            lambda: client.get("/api/v1/indicators", {"area": "52"}), args.runs
        ),
        "GET /dashboard/?area=52.02 (kabupaten)": timed(
            lambda: client.get("/dashboard/", {"area": "52.02"}), args.runs
        ),
    }

    def cold_public():
        cache.clear()
        public_indicators("52")

    results["public_indicators(52), cold cache"] = timed(cold_public, 3)
    results["public_indicators(52), cached"] = timed(lambda: public_indicators("52"), args.runs)
    assert client.get("/dashboard/").status_code == 200
    print(f"{'what':45} {'p50 ms':>8} {'p90 ms':>8}")
    for name, (p50, p90) in results.items():
        print(f"{name:45} {p50:8.0f} {p90:8.0f}")


if __name__ == "__main__":
    main()
