"""Referrals benchmark: an agency with many referrals. Fills a copy of a demo database with N cases and 2·N
referrals to Dinas Dukcapil Lombok Tengah (bulk inserts), then measures in-process (Django test client, DEBUG
off) the agency inbox, the referral page and the API list, and times sweep_overdue over the lot.

    DATABASE_URL=sqlite:////tmp/ref_demo.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/ref_demo.sqlite3 .venv/bin/python manage.py load_areas
    DATABASE_URL=sqlite:////tmp/ref_demo.sqlite3 PELITA_DEMO_PASSWORD=x .venv/bin/python manage.py seed_demo
    REFERRALS_BENCH_SOURCE=/tmp/ref_demo.sqlite3 .venv/bin/python bench/referrals_bench.py

The source database is copied, never changed. Figures go to docs/PERFORMANCE.md under "Referrals"."""

import datetime as dt
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(os.environ.get("REFERRALS_BENCH_SOURCE", "/tmp/ref_demo.sqlite3"))
TARGET = Path("/tmp/pelita_referrals_bench.sqlite3")
CASES = int(os.environ.get("REFERRALS_BENCH_CASES", "5000"))
RUNS = 20


def setup_django():
    shutil.copy(SOURCE, TARGET)
    os.environ["DATABASE_URL"] = f"sqlite:///{TARGET}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]


def fill():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from portal.agencies.models import Agency, Service
    from portal.areas.models import Area
    from portal.core.workdays import response_deadline
    from referrals.models import CaseCounter, CaseTeamMember, ChildCase, Referral

    worker = get_user_model().objects.get(username="pendamping_jago")
    agency = Agency.objects.get(name="Dinas Dukcapil Kab. Lombok Tengah")
    services = list(Service.objects.filter(slug__in=["akta-kelahiran", "kia"]))
    hamlet = Area.objects.filter(code__startswith="52.02.01.2013.").first()
    counter = CaseCounter.objects.get(regency__code="52.02")
    now = timezone.now()
    with transaction.atomic():
        cases = ChildCase.objects.bulk_create(
            ChildCase(
                code=f"APM-5202-{counter.last + i + 1:05d}",
                area=hamlet,
                village=hamlet.parent,
                child_name=f"Anak Bench {i}",
                sex="M" if i % 2 else "F",
                birth_date=dt.date(2018, 1 + i % 12, 1 + i % 28),
                caregiver_name="Inaq Bench",
                caregiver_relation="nenek",
                parent_abroad="mother",
                destination_country="Malaysia",
                created_by=worker,
            )
            for i in range(CASES)
        )
        counter.last += CASES
        counter.save()
        CaseTeamMember.objects.bulk_create(CaseTeamMember(case=c, user=worker) for c in cases)
        refs = []
        for i, case in enumerate(cases):
            for service in services:
                sent = now - dt.timedelta(days=i % 40, hours=i % 7)
                status = ("sent", "accepted", "in_progress", "completed", "declined")[i % 5]
                refs.append(
                    Referral(
                        case=case,
                        agency=agency,
                        service=service,
                        area=hamlet,
                        status=status,
                        note="bench",
                        shared_fields=["child_name"],
                        created_by=worker,
                        sent_by=worker,
                        sent_at=sent,
                        due_at=response_deadline(sent, working_days=3),
                        completion_due_at=sent + dt.timedelta(days=service.completion_days),
                    )
                )
        refs = Referral.objects.bulk_create(refs)
        for r in refs[:50]:
            assign_perm("referrals.view_referral_identity", agency.group, r)
            assign_perm("referrals.message_referral", agency.group, r)
    return refs[0]


def measure(client, url):
    client.get(url)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(times), max(times)


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from referrals.models import Referral

    first = fill()
    print(f"{Referral.objects.count()} referrals, {CASES} bench cases")
    client = Client()
    client.force_login(get_user_model().objects.get(username="dukcapil_loteng_1"))
    for url in (
        "/cases/inbox/",
        "/cases/inbox/?tab=overdue",
        "/cases/inbox/?tab=all&service=kia&status=accepted",
        f"/cases/referrals/{first.pk}/",
        "/api/v1/referrals?page_size=100",
        "/api/v1/referrals?overdue=true&page_size=100",
    ):
        median, worst = measure(client, url)
        print(f"{url:55} median {median:6.1f} ms  max {worst:6.1f} ms")
    start = time.perf_counter()
    call_command("sweep_overdue", stdout=sys.stdout)
    print(f"sweep_overdue (first run) {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    call_command("sweep_overdue", stdout=sys.stdout)
    print(f"sweep_overdue (again, nothing new) {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
