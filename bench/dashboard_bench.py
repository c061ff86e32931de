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
Then builds the dashboard summaries (timed: the bulk load bypassed the models) and times each figure both ways,
the direct queries of before ("[before]", indicators_direct) and the summaries, in the same run, cold (cache
cleared) and warm, the refresh of a stale day (its difference added to its month), one write with its refresh
task (run inline by the immediate backend), and a warm page while a day is stale (readers refresh nothing).
BENCH_REDIS=redis://…/6 puts the cache in that Redis instead of the process's memory.
Prints p50 / p90 in milliseconds. Targets (issue 17): the province dashboard cold p50 < 300 ms, warm < 50 ms."""

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
    parser.add_argument("--rebuild", action="store_true", help="rebuild the dashboard summaries first")
    args = parser.parse_args()
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = ensure_database(
        server, os.environ.get("PELITA_BENCH_DB", "pelita_dash_bench"), args.fresh
    )
    # The cache: in-process memory, or the Redis of BENCH_REDIS (e.g. redis://127.0.0.1:6379/6).
    os.environ.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS"):
        os.environ["REDIS_URL"] = os.environ["BENCH_REDIS"]
        os.environ.setdefault("PELITA_TEST_CACHE_PREFIX", "dashbench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    populate(args.cases, args.referrals)
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.utils import timezone

    from dashboard import selectors
    from dashboard.models import Summary, SummaryState
    from dashboard.selectors import Filters, indicators, indicators_direct, public_indicators
    from dashboard.summaries import mark_days, summaries_rebuild, summaries_refresh
    from portal.areas.models import Area
    from referrals.models import ChildCase, Referral

    state = SummaryState.objects.filter(pk=1).first()
    if args.rebuild or state is None or state.built_at is None:
        t = time.perf_counter()
        months = summaries_rebuild()  # the bulk load bypassed the models
        print(
            f"summaries rebuilt: {months} months, {Summary.objects.count()} rows in {time.perf_counter() - t:.0f} s"
        )
    print(
        f"scale: {ChildCase.objects.count()} cases, {Referral.objects.count()} referrals, {Summary.objects.count()} summary rows"
    )

    ntb = Area.objects.get(code="52")
    user = get_user_model().objects.get(username="bench_koordinator")
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    ranged = Filters(date_from=today - dt.timedelta(days=400), date_to=today - dt.timedelta(days=20))
    indicators_direct(area=ntb)  # the working-day calendar, once
    assert indicators(area=ntb) == indicators_direct(area=ntb)
    assert indicators(area=ntb, filters=ranged) == indicators_direct(area=ntb, filters=ranged)
    summary_path = selectors.indicators

    def old(
        fn,
    ):  # the same call with the direct queries behind indicators_cached (the code before the summaries)
        def run():
            selectors.indicators = indicators_direct
            try:
                return fn()
            finally:
                selectors.indicators = summary_path

        return run

    def cold_page():
        cache.clear()
        client.get("/dashboard/")

    def stale_day(day):
        def run():
            mark_days({day})
            summaries_refresh()

        return run

    from dashboard.models import StaleDay
    from referrals.models import Status

    written = (
        Referral.objects.filter(status=Status.SENT, sent_at__date__lte=today - dt.timedelta(days=100))
        .order_by("-sent_at")
        .first()
    )

    def one_write():
        # A status change through the model: the save marks its day stale and, after the commit (autocommit
        # here), enqueues the refresh task, which the immediate backend runs inline: the write and its refresh.
        written.status = Status.WITHDRAWN if written.status == Status.SENT else Status.SENT
        written.save()

    def figures_cold():
        # What a reader meets after a write's refresh: the summaries' version moved, so the figures are
        # recomputed; the other products' sections keep their own caches.
        SummaryState.objects.filter(pk=1).update(version=F("version") + 1)
        client.get("/dashboard/")

    def warm_with_stale_day():
        StaleDay.objects.create(day=today - dt.timedelta(days=30))  # as a write whose task has not run yet
        client.get("/dashboard/")

    results = {
        "indicators(area=52), direct [before]": timed(lambda: indicators_direct(area=ntb), args.runs),
        "indicators(area=52), summaries": timed(lambda: indicators(area=ntb), args.runs),
        "indicators(52, 380 days), direct [before]": timed(
            lambda: indicators_direct(area=ntb, filters=ranged), args.runs
        ),
        "indicators(52, 380 days), summaries": timed(lambda: indicators(area=ntb, filters=ranged), args.runs),
        "GET /dashboard/ (province), cold [before]": timed(old(cold_page), 5),
        "GET /dashboard/ (province), cold": timed(cold_page, args.runs),
        "GET /dashboard/ (province), figures cold, rest warm": timed(figures_cold, args.runs),
        "GET /dashboard/ (province), warm": timed(lambda: client.get("/dashboard/"), args.runs),
        "GET /api/v1/indicators?area=52, cold [before]": timed(
            old(lambda: (cache.clear(), client.get("/api/v1/indicators", {"area": "52"}))), 5
        ),
        "GET /api/v1/indicators?area=52, cold": timed(
            lambda: (cache.clear(), client.get("/api/v1/indicators", {"area": "52"})), args.runs
        ),
        "GET /dashboard/?area=52.02 (kabupaten), cold": timed(
            lambda: (cache.clear(), client.get("/dashboard/", {"area": "52.02"})), args.runs
        ),
        "refresh of a typical stale day (100 days ago)": timed(stale_day(today - dt.timedelta(days=100)), 3),
        "refresh of today (the bench clamps future sends here)": timed(stale_day(today), 3),
        "one referral's status saved + its refresh (task)": timed(one_write, 4),
        "GET /dashboard/ (province), warm, a day stale": timed(warm_with_stale_day, args.runs),
    }
    summaries_refresh()
    # After the refreshes of writes, the figures are still exactly the direct ones.
    assert indicators(area=ntb) == indicators_direct(area=ntb)
    assert indicators(area=ntb, filters=ranged) == indicators_direct(area=ntb, filters=ranged)

    def cold_public():
        cache.clear()
        public_indicators("52")

    results["public_indicators(52), cold cache"] = timed(cold_public, 3)
    results["public_indicators(52), cached"] = timed(lambda: public_indicators("52"), args.runs)
    assert client.get("/dashboard/").status_code == 200
    print(f"{'what':48} {'p50 ms':>8} {'p90 ms':>8}")
    for name, (p50, p90) in results.items():
        print(f"{name:48} {p50:8.0f} {p90:8.0f}")


if __name__ == "__main__":
    main()
