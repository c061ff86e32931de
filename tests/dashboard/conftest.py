"""Hand-computed data for the dashboard: cases and referrals written straight to the tables with chosen
timestamps (the referral services would stamp `now`), so that every figure can be worked out by hand."""

import datetime as dt

import pytest
from django.core.cache import cache

from dashboard.summaries import summaries_rebuild
from portal.agencies.models import Service
from portal.areas.models import Area
from portal.core.workdays import WITA
from referrals.models import ChildCase, Referral, Status
from tests.factories import make_member


def wita(y, m, d, h=9):
    return dt.datetime(y, m, d, h, 0, tzinfo=WITA)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(demo):
    from django.utils import timezone

    now = timezone.now()
    worker = demo["users"]["pendamping_jago"]
    agencies = demo["agencies"]
    dukcapil = agencies["Dinas Dukcapil Kab. Lombok Tengah"]
    dinsos = agencies["Dinas Sosial Kab. Lombok Tengah"]
    pendidikan = agencies["Dinas Pendidikan Kab. Lombok Tengah"]
    bpjs = agencies["BPJS Kesehatan Kab. Lombok Tengah"]
    svc = {s.slug: s for s in Service.objects.all()}
    jago = Area.objects.get(code="52.02.01.2013")
    dusun = demo["hamlets"]["52.02.01.2013"][0]
    sukaraja = Area.objects.get(code="52.02.06.2001")
    kebon_ayu = Area.objects.get(code="52.01.01.2002")
    seq = iter(range(1, 100))

    def case(area, needs, created):
        c = ChildCase.objects.create(
            code=f"APM-TEST-{next(seq):05d}",
            area=area,
            village=area if area.level == "village" else area.parent,
            child_name="Secret Child Name",
            sex="M",
            birth_date=dt.date(2016, 5, 1),
            nik="5202010105160001",
            caregiver_name="Secret Caregiver",
            caregiver_relation="nenek",
            parent_abroad="mother",
            destination_country="Malaysia",
            created_by=worker,
        )
        c.needs.set([svc[s] for s in needs])
        ChildCase.objects.filter(pk=c.pk).update(created_at=created)
        return c

    a = case(dusun, ["akta-kelahiran", "kia"], wita(2026, 10, 20))
    b = case(dusun, ["akta-kelahiran"], wita(2026, 10, 21))
    c = case(jago, ["kembali-sekolah"], wita(2026, 10, 22))
    d = case(sukaraja, ["pkh"], wita(2026, 8, 3))
    e = case(kebon_ayu, ["bpjs-pbi"], wita(2026, 9, 15))
    past, future = now - dt.timedelta(days=5), now + dt.timedelta(days=10)

    def referral(case, service, agency, status, sent, **stamps):
        return Referral.objects.create(
            case=case,
            area=case.area,
            service=svc[service],
            agency=agency,
            status=status,
            created_by=worker,
            sent_at=sent,
            **stamps,
        )

    refs = {
        "r1": referral(
            a,
            "akta-kelahiran",
            dukcapil,
            Status.COMPLETED,
            wita(2026, 11, 2),
            accepted_at=wita(2026, 11, 5, 14),
            completed_at=wita(2026, 11, 12, 10),
            due_at=wita(2026, 11, 5, 23),
        ),
        "r2": referral(
            b,
            "akta-kelahiran",
            dukcapil,
            Status.IN_PROGRESS,
            wita(2026, 11, 6, 10),
            accepted_at=wita(2026, 11, 9, 8),
            due_at=wita(2026, 11, 11, 23),
            completion_due_at=past,
        ),
        "r3": referral(a, "kia", dukcapil, Status.SENT, wita(2026, 11, 10), due_at=past),
        "r4": referral(
            c,
            "kembali-sekolah",
            pendidikan,
            Status.DECLINED,
            wita(2026, 11, 3),
            declined_at=wita(2026, 11, 4),
            decline_reason="Sudah bersekolah di SDN 2",
            decline_category="not_our_service",
        ),
        "r5": referral(
            d,
            "pkh",
            dinsos,
            Status.COMPLETED,
            wita(2026, 11, 4),
            accepted_at=wita(2026, 11, 11),
            completed_at=wita(2026, 11, 24, 8),
        ),
        "r6": referral(e, "bpjs-pbi", bpjs, Status.SENT, wita(2026, 10, 1), due_at=future),
        # Sent on Friday 14 August; Monday 17 August (Independence Day) is a holiday: 1 working day.
        "r8": referral(
            d,
            "kia",
            dukcapil,
            Status.ACCEPTED,
            wita(2026, 8, 14),
            accepted_at=wita(2026, 8, 18),
            completion_due_at=future,
        ),
        "draft": referral(a, "kip", pendidikan, Status.DRAFT, None),
    }
    users = dict(demo["users"])
    users["fasilitator_praya_timur"] = make_member(Area.objects.get(code="52.02.06"), "fasilitator")
    # The created_at stamps were set with update(), which the summaries do not hear of (as a bulk load).
    summaries_rebuild()
    return {"cases": [a, b, c, d, e], "refs": refs, "users": users, "demo": demo, "now": now}
