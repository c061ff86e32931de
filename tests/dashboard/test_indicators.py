"""Every figure against the hand-computed data of conftest.world."""

import datetime as dt

import pytest

from dashboard.selectors import Filters, indicators, referral_durations, referrals_in
from dashboard.summaries import summaries_refresh
from portal.agencies.models import Service
from portal.areas.models import Area
from portal.core.workdays import working_days_between


def test_province_figures(world):
    data = indicators(area=Area.objects.get(code="52"), now=world["now"])
    assert data["children_registered"] == 5
    assert data["needs"]["akta-kelahiran"] == 2
    assert data["needs"]["kia"] == 1
    assert data["needs"]["kembali-sekolah"] == 1
    assert data["needs"]["bpjs-pbi"] == 1
    assert data["needs"]["pkh"] == 1
    assert data["needs"]["kip"] == 0
    assert data["referrals_by_status"] == {
        "sent": 2,
        "accepted": 1,
        "declined": 1,
        "in_progress": 1,
        "completed": 2,
        "closed": 0,
        "withdrawn": 0,
    }
    assert "draft" not in data["referrals_by_status"]
    by_service = {k: v for k, v in data["referrals_by_service"].items() if v}
    assert by_service == {"akta-kelahiran": 2, "kia": 2, "kembali-sekolah": 1, "pkh": 1, "bpjs-pbi": 1}
    assert data["referrals"] == 7
    assert data["completed_share"] == round(2 / 7, 3)
    # r3 still sent past its deadline; r2 in progress past its completion target.
    assert (data["overdue"], data["overdue_response"], data["overdue_completion"]) == (2, 1, 1)
    assert data["declined_reasons"] == [{"reason": "Bukan layanan kami", "count": 1}]  # never the free text


def test_durations_use_working_days_to_accept_and_calendar_days_to_complete(world):
    # Working days to accept: r1 Mon 2 Nov → Thu 5 Nov = 3; r2 Fri 6 Nov → Mon 9 Nov = 1 (weekend);
    # r5 Wed 4 Nov → Wed 11 Nov = 5; r8 Fri 14 Aug → Tue 18 Aug = 1 (Monday 17 August is a holiday).
    assert working_days_between(dt.date(2026, 8, 14), dt.date(2026, 8, 18)) == 1
    data = indicators(area=Area.objects.get(code="52"), now=world["now"])
    # [1, 1, 3, 5]: median 2, p90 at rank 2.7 = 3 + 0.7 × 2 = 4.4.
    assert data["median_days_to_accept"] == 2.0
    assert data["p90_days_to_accept"] == 4.4
    assert data["accepted_count"] == 4
    # Calendar days to complete: r1 2 → 12 Nov = 10; r5 4 → 24 Nov = 20: median 15, p90 19.
    assert data["median_days_to_complete"] == 15.0
    assert data["p90_days_to_complete"] == 19.0
    assert data["completed_count"] == 2


def test_breakdown_per_kabupaten_and_drill_down_to_desa(world):
    data = indicators(area=Area.objects.get(code="52"), now=world["now"])
    rows = {r["area"]: r for r in data["breakdown"]}
    assert len(rows) == Area.objects.filter(parent__code="52").count()
    assert (rows["52.01"]["children_registered"], rows["52.01"]["referrals"], rows["52.01"]["overdue"]) == (
        1,
        1,
        0,
    )
    assert (rows["52.02"]["children_registered"], rows["52.02"]["referrals"], rows["52.02"]["overdue"]) == (
        4,
        6,
        2,
    )
    assert rows["52.03"]["children_registered"] == 0
    jago = indicators(area=Area.objects.get(code="52.02.01.2013"), now=world["now"])
    assert jago["children_registered"] == 3
    rows = {r["area"]: r for r in jago["breakdown"]}
    dusun = world["cases"][0].area.code
    assert (rows[dusun]["children_registered"], rows[dusun]["referrals"]) == (2, 3)
    itself = [r for r in jago["breakdown"] if r.get("itself")]
    assert len(itself) == 1 and itself[0]["children_registered"] == 1 and itself[0]["referrals"] == 1


def test_filters_period_service_agency(world):
    ntb = Area.objects.get(code="52")
    nov = indicators(area=ntb, filters=Filters(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30)))
    assert nov["referrals"] == 5  # r1 r2 r3 r4 r5
    assert nov["children_registered"] == 0  # all were registered before November
    october = indicators(
        area=ntb, filters=Filters(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    )
    assert october["children_registered"] == 3 and october["referrals"] == 1
    akta = Service.objects.get(slug="akta-kelahiran")
    only_akta = indicators(area=ntb, filters=Filters(service=akta))
    assert only_akta["referrals"] == 2 and only_akta["children_registered"] == 5
    dukcapil = world["demo"]["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"]
    by_agency = indicators(area=ntb, filters=Filters(agency=dukcapil))
    assert by_agency["referrals"] == 4  # r1 r2 r3 r8
    assert by_agency["median_days_to_accept"] == 1.0  # [1, 1, 3]


def test_trend_per_month(world):
    data = indicators(
        area=Area.objects.get(code="52"),
        filters=Filters(date_from=dt.date(2026, 8, 1), date_to=dt.date(2026, 11, 30)),
        now=world["now"],
    )
    trend = {r["month"].strftime("%Y-%m"): r for r in data["trend"]}
    assert list(trend) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert trend["2026-08"]["children_registered"] == 1 and trend["2026-08"]["referrals"] == 1
    assert trend["2026-10"]["children_registered"] == 3 and trend["2026-10"]["referrals"] == 1
    assert trend["2026-11"]["referrals"] == 5 and trend["2026-11"]["completed"] == 2


def test_durations_empty(areas):
    from referrals.models import Referral

    assert referral_durations(referrals=Referral.objects.none())["median_days_to_accept"] is None
    data = indicators(area=Area.objects.get(code="51"))
    assert data["children_registered"] == 0 and data["median_days_to_complete"] is None


def test_query_count_does_not_grow_with_data(world, django_assert_max_num_queries):
    ntb = Area.objects.get(code="52")
    indicators(area=ntb)  # fills the working-day calendar once
    with django_assert_max_num_queries(10):
        indicators(area=ntb)
    from referrals.models import ChildCase
    from tests.dashboard.conftest import wita

    for case in world["cases"][:3]:
        case.pk = None
        case.code = case.code + "X"
        case.save()
    summaries_refresh()  # the write's cost, paid once by the next reader or the cron job
    with django_assert_max_num_queries(10):
        data = indicators(area=ntb)
    assert data["children_registered"] == 8
    assert wita  # the helper is shared with the fixtures
    assert ChildCase.objects.count() == 8


@pytest.mark.postgres
def test_percentile_cont_on_postgres_agrees(world):
    data = referral_durations(referrals=referrals_in(area=Area.objects.get(code="52"), filters=Filters()))
    assert (data["median_days_to_accept"], data["p90_days_to_accept"]) == (2.0, 4.4)
    assert (data["median_days_to_complete"], data["p90_days_to_complete"]) == (15.0, 19.0)
