"""The roll-up of a subtree: the figures against hand-computed data, a constant number of queries whatever the
number of villages and lines, and caches that every write service invalidates."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commitments import services
from commitments.models import BudgetLine, LineOrigin, Policy
from commitments.selectors import rollup, rollup_cached
from portal.areas.models import Area, Level
from tests.factories import area

JAGO, SUKARAJA = "52.02.01.2013", "52.02.06.2001"


@pytest.fixture
def world(demo):
    """Jago: Dana Desa 10.000.000 (realised 4.000.000) + ADD 5.000.000; Sukaraja: Dana Desa 3.000.000 (realised
    3.000.000); the kabupaten: APBD 100.000.000 (realised 25.000.000); 2025: Jago Dana Desa 8.000.000.
    Policies: Jago's Perdes in force since 2025, Sukaraja's SK revoked in March 2026 (in force in 2026 still),
    a draft in Praya's other village (never counted)."""
    admin = demo["users"]["admin"]

    def line(code, year, source, planned, realised=None):
        return services.budget_line_create(actor=admin, area=area(code), year=year, source=source,
                                           activity=f"{source} {planned}", planned_idr=planned, realised_idr=realised)  # fmt: skip

    line(JAGO, 2026, "dana_desa", 10_000_000, 4_000_000)
    line(JAGO, 2026, "add", 5_000_000)
    line(SUKARAJA, 2026, "dana_desa", 3_000_000, 3_000_000)
    line("52.02", 2026, "apbd_kabupaten", 100_000_000, 25_000_000)
    line(JAGO, 2025, "dana_desa", 8_000_000, 8_000_000)
    services.policy_create(actor=admin, area=area(JAGO), kind="perdes", title="Perdes", issuing_body="Kades",
                           status="enacted", issued_on=dt.date(2025, 3, 1))  # fmt: skip
    sk = services.policy_create(actor=admin, area=area(SUKARAJA), kind="sk_kades", title="SK", issuing_body="Kades",
                                status="enacted", issued_on=dt.date(2024, 1, 1))  # fmt: skip
    services.policy_transition(actor=admin, policy=sk, action="revoke", on=dt.date(2026, 3, 1))
    other = Area.objects.filter(parent__code="52.02.01", level=Level.VILLAGE).exclude(code=JAGO).first()
    services.policy_create(actor=admin, area=other, kind="perdes", title="Draf", issuing_body="Kades")
    return demo


def test_kabupaten_figures(world):
    data = rollup(area=area("52.02"), year=2026)
    villages = Area.objects.filter(code__startswith="52.02.", level=Level.VILLAGE).count()
    assert data["villages"] == villages
    assert data["villages_with_policy"] == 2
    assert data["villages_with_policy_permille"] == (2 * 1000 * 2 + villages) // (2 * villages)
    assert (data["planned_idr"], data["realised_idr"]) == (118_000_000, 32_000_000)
    assert data["realisation_permille"] == 271  # 32 / 118 = 27.1%
    by_source = {r["source"]: (r["planned_idr"], r["realised_idr"]) for r in data["by_source_detail"]}
    assert by_source["dana_desa"] == (13_000_000, 7_000_000)
    assert by_source["add"] == (5_000_000, 0)
    assert by_source["apbd_kabupaten"] == (100_000_000, 25_000_000)
    assert by_source["apbn"] == (0, 0)
    rows = {r["area"]: r for r in data["breakdown"]}
    assert (rows["52.02.01"]["planned_idr"], rows["52.02.01"]["villages_with_policy"]) == (15_000_000, 1)
    assert (rows["52.02.06"]["planned_idr"], rows["52.02.06"]["realised_idr"]) == (3_000_000, 3_000_000)
    assert (
        sum(r["planned_idr"] for r in data["breakdown"]) == 18_000_000
    )  # the kabupaten's own line is above them
    # The villages of the kabupaten, with their sources: "which villages committed how much, from which source".
    table = {r["area"]: r for r in data["villages_table"]}
    assert set(table) == {JAGO, SUKARAJA}
    assert table[JAGO]["by_source"] == {"dana_desa": 10_000_000, "add": 5_000_000}
    assert table[JAGO]["has_policy"] and table[SUKARAJA]["has_policy"]
    assert table[JAGO]["district_name"] == "Kec. Praya"
    assert data["trend"][-2:] == [
        {"year": 2025, "planned_idr": 8_000_000, "realised_idr": 8_000_000},
        {"year": 2026, "planned_idr": 118_000_000, "realised_idr": 32_000_000},
    ]
    # 2027: Sukaraja's SK was revoked in 2026, so it no longer counts.
    assert rollup(area=area("52.02"), year=2027)["villages_with_policy"] == 1


def test_rupiah_per_registered_child(world):
    """Children come from the dashboard through portal.core.reporting's registry: exact for coordinators."""
    from referrals.models import ChildCase

    worker = world["users"]["pendamping_jago"]
    cases = [
        ChildCase(code=f"APM-5202-{i:05d}", area=area(JAGO), village=area(JAGO), child_name="x", sex="F",
                  birth_date=dt.date(2015, 1, 1), caregiver_name="y", caregiver_relation="Nenek",
                  parent_abroad="mother", destination_country="Malaysia", created_by=worker)
        for i in range(1, 8)
    ]  # fmt: skip
    ChildCase.objects.bulk_create(cases)
    data = rollup(area=area("52.02"), year=2026)
    assert data["children_registered"] == 7
    assert data["idr_per_child"] == (2 * 118_000_000 + 7) // 14  # Rp 16.857.143
    praya = {r["area"]: r for r in data["breakdown"]}["52.02.01"]
    assert (praya["children_registered"], praya["idr_per_child"]) == (7, 2_142_857)
    public = rollup(area=area("52.02"), year=2026, public=True)
    assert public["children_registered"] == 7  # 7 is published by the public indicators


def _bulk(n_villages: int, *, year=2026):
    # Desa Jago first, then a spread over NTB's villages.
    every = list(
        Area.objects.filter(code__startswith="52.", level=Level.VILLAGE).exclude(code=JAGO).order_by("code")
    )
    villages = [area(JAGO)] + every[:: max(1, len(every) // n_villages)][: n_villages - 1]
    BudgetLine.objects.all().delete()
    Policy.objects.all().delete()
    lines, policies = [], []
    for v in villages:
        for source in ("dana_desa", "add", "apbd_kabupaten"):
            for y in (year - 1, year):
                lines.append(BudgetLine(area=v, area_code=v.code, year=y, source=source, activity="x",
                                        planned_idr=1_000_000, realised_idr=500_000, origin=LineOrigin.MANUAL))  # fmt: skip
        policies.append(Policy(area=v, area_code=v.code, kind="perdes", title="p", issuing_body="k",
                               status="enacted", issued_on=dt.date(year - 1, 1, 1), published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))  # fmt: skip
    BudgetLine.objects.bulk_create(lines)
    Policy.objects.bulk_create(policies)
    return villages


@pytest.mark.parametrize("code", ["52", "52.02", "52.02.01", JAGO, None])
def test_the_rollup_takes_a_constant_number_of_queries(demo, code):
    target = area(code) if code else None
    _bulk(3)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        small = rollup(area=target, year=2026)
    _bulk(400)  # many more villages, lines and policies, across kabupaten
    cache.clear()  # the children counts are cached on their own
    with CaptureQueriesContext(connection) as many:
        big = rollup(area=target, year=2026)
    assert len(few) == len(many) <= 9, [q["sql"][:120] for q in many.captured_queries]
    assert big["planned_idr"] >= small["planned_idr"]


def test_pages_with_the_rollup_take_a_constant_number_of_queries(demo):
    from django.core.cache import cache

    client = Client()
    client.force_login(demo["users"]["koordinator_ntb"])
    urls = (
        "/commitments/a/52.02/",
        "/commitments/a/52/",
        "/dashboard/?area=52",
        "/api/v1/public/commitments?area=52",
    )
    for (
        url
    ) in urls:  # the first requests fill once-only tables and per-process caches (calendar, content types)
        client.get(url)
    counts = []
    for n in (3, 300):
        _bulk(n)
        for url in urls:
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append((url, len(ctx)))
    assert counts[:4] == counts[4:], counts


def test_every_write_service_invalidates_the_cached_rollup(world, django_capture_on_commit_callbacks):
    admin = world["users"]["admin"]
    kab = area("52.02")
    jago = area(JAGO)

    def planned():
        return rollup_cached(area=kab, year=2026)["planned_idr"]

    def policies():
        return rollup_cached(area=kab, year=2026)["villages_with_policy"]

    line = BudgetLine.objects.get(area_code=JAGO, year=2026, source="add")
    perdes = Policy.objects.get(title="Perdes")
    draft = Policy.objects.get(title="Draf")
    steps = [
        (lambda: services.budget_line_create(actor=admin, area=jago, year=2026, source="apbn", activity="Desmigratif", planned_idr=1_000), planned),
        (lambda: services.budget_line_update(actor=admin, line=line, planned_idr=6_000_000), planned),
        (lambda: services.budget_line_delete(actor=admin, line=line), planned),
        (lambda: services.policy_transition(actor=admin, policy=draft, action="enact", on=dt.date(2026, 5, 1)), policies),
        (lambda: services.policy_transition(actor=admin, policy=perdes, action="revoke", on=dt.date(2025, 6, 1)), policies),
        (lambda: services.policy_publish(actor=admin, policy=draft), lambda: len(rollup_cached(area=kab, year=2026)["policies"])),
        (lambda: services.policy_update(actor=admin, policy=draft, title="Perdes baru"), lambda: [p["title"] for p in rollup_cached(area=kab, year=2026)["policies"]]),
    ]  # fmt: skip
    for write, read in steps:
        before = read()
        assert read() == before  # warm
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert read() != before, write
