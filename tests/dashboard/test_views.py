"""The dashboard page, its exports, the API and the public view: who sees what, in which language."""

import csv
import io
import re

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry


def _login(client, user):
    client.force_login(user)
    return client


def test_coordinator_sees_the_province_in_indonesian(world, client):
    _login(client, world["users"]["koordinator_ntb"])
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anak terdaftar" in html  # "Children registered", translated
    assert "Kab. Lombok Tengah" in html and "?area=52.02" in html
    assert "<svg" in html and "<title" in html and "<table" in html
    # SVG coordinates are never localized ("105,5" is not a length): Indonesian uses a decimal comma.
    assert not re.search(r'(width|cx|cy|x|y)="-?\d+,\d', html)
    assert re.search(r'<rect x="0" y="\d+" width="[1-9]', html)  # a bar is drawn
    assert "Secret Child Name" not in html and "5202010105160001" not in html
    assert "<script>" not in html and "onclick" not in html


def test_filters_keep_what_was_typed_and_explain_errors(world, client):
    _login(client, world["users"]["koordinator_ntb"])
    response = client.get(reverse("dashboard:index"), {"date_from": "2026-11-30", "date_to": "2026-11-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-11-30"' in html
    assert "Tanggal akhir" in html  # the end date must be on or after the start date (Indonesian)


def test_kecamatan_facilitator_never_sees_another_kecamatan(world, client, token_for):
    praya = world["users"]["fasilitator_praya"]
    _login(client, praya)
    assert client.get(reverse("dashboard:index")).status_code == 200
    assert client.get(reverse("dashboard:index"), {"area": "52.02.01.2013"}).status_code == 200
    for code in ("52.02.06", "52.02.06.2001", "52.02", "52", "52.01"):
        assert client.get(reverse("dashboard:index"), {"area": code}).status_code == 404
        assert client.get(reverse("dashboard:export", args=["csv"]), {"area": code}).status_code == 404
        api = client.get("/api/v1/indicators", {"area": code}, HTTP_AUTHORIZATION=token_for(praya))
        assert api.status_code == 404
    data = client.get("/api/v1/indicators", HTTP_AUTHORIZATION=token_for(praya)).json()
    assert data["area"] == "52.02.01" and data["children_registered"] == 3


@pytest.mark.parametrize("username", ["kader_jago", "pendamping_jago", "dukcapil_loteng_1", "editor"])
def test_others_get_404(world, client, username, token_for):
    user = world["users"][username]
    _login(client, user)
    assert client.get(reverse("dashboard:index")).status_code == 404
    assert (
        client.get("/api/v1/indicators", {"area": "52"}, HTTP_AUTHORIZATION=token_for(user)).status_code
        == 404
    )


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/indicators").status_code == 401


def test_api_indicators_shape(world, client, token_for):
    user = world["users"]["koordinator_ntb"]
    response = client.get(
        "/api/v1/indicators",
        {"area": "52", "from": "2026-11-01", "to": "2026-11-30", "service": "akta-kelahiran"},
        HTTP_AUTHORIZATION=token_for(user),
    )
    assert response.status_code == 200
    data = response.json()
    for key in (
        "area",
        "children_registered",
        "needs",
        "referrals_by_status",
        "referrals_by_service",
        "median_days_to_accept",
        "median_days_to_complete",
        "overdue",
        "breakdown",
    ):
        assert key in data
    assert data["referrals_by_service"]["akta-kelahiran"] == 2 and data["referrals_by_service"]["kia"] == 0
    assert set(data["breakdown"][0]) == {"area", "name", "children_registered", "referrals", "overdue"}
    bad = client.get("/api/v1/indicators", {"service": "nope"}, HTTP_AUTHORIZATION=token_for(user))
    assert bad.status_code == 422 and "service" in bad.json()["errors"]
    bad = client.get("/api/v1/indicators", {"from": "tomorrow"}, HTTP_AUTHORIZATION=token_for(user))
    assert bad.status_code == 422


def test_csv_export_content_encoding_and_audit(world, client):
    user = world["users"]["koordinator_ntb"]
    _login(client, user)
    response = client.get(reverse("dashboard:export", args=["csv"]), {"area": "52.02"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    flat = {(r[0], r[1]): r[2] for r in rows if len(r) == 3}
    assert flat[("Anak", "Anak terdaftar")] == "4"
    assert "Bukan layanan kami" in text and "Sudah bersekolah di SDN 2" not in text  # the category only
    assert "Secret Child Name" not in text
    entry = AuditEntry.objects.get(action="dashboard.export")
    assert entry.actor == user and entry.surface == "export" and entry.detail["area"] == "52.02"


def test_xlsx_export(world, client):
    from openpyxl import load_workbook

    _login(client, world["users"]["koordinator_ntb"])
    response = client.get(reverse("dashboard:export", args=["xlsx"]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    from portal.areas.models import Area
    from portal.core.reporting import report_sections

    # The dashboard's three sheets first, then those of the registered sections (commitments ...).
    assert wb.sheetnames[:3] == ["Angka", "Per wilayah", "Per bulan"]
    assert len(wb.sheetnames) == 3 + sum(
        len(s.export_tables(s.figures(area=Area.objects.get(code="52"), date_from=None, date_to=None)))
        for s in report_sections()
        if s.export_tables
    )
    values = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "Anak terdaftar" in values and 5 in values
    per_area = list(wb.worksheets[1].iter_rows(values_only=True))
    assert ("52.02", "Kab. Lombok Tengah", 4, 6, 2) in per_area
    assert AuditEntry.objects.filter(action="dashboard.export", detail__format="xlsx").count() == 1


def test_case_team_exports_only_their_cases(world, client):
    from referrals.models import CaseTeamMember

    worker = world["users"]["pendamping_jago"]
    a, b = world["cases"][:2]
    CaseTeamMember.objects.create(case=a, user=worker)
    CaseTeamMember.objects.create(case=b, user=worker)
    _login(client, worker)
    assert client.get(reverse("dashboard:cases")).status_code == 200
    assert client.get(reverse("dashboard:cases_export", args=["csv"])).status_code == 405
    response = client.post(reverse("dashboard:cases_export", args=["csv"]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert a.code in text and b.code in text and world["cases"][2].code not in text
    assert "Secret Child Name" in text
    entries = AuditEntry.objects.filter(action="case.export")
    assert sorted(entries.values_list("case_code", flat=True)) == sorted([a.code, b.code])
    assert all(e.surface == "export" and "child_name" in e.fields for e in entries)
    # Someone on no team gets nothing.
    _login(client, world["users"]["pendamping_sukaraja"])
    assert client.post(reverse("dashboard:cases_export", args=["xlsx"])).status_code == 404


def _published_counts(data):
    yield data["children_registered"]
    yield data["overdue"]
    yield from data["needs"].values()
    yield from data["referrals_by_status"].values()
    yield from data["referrals_by_service"].values()
    for row in data["breakdown"]:
        yield row["children_registered"]
        yield row["referrals"]
        yield row["overdue"]


def test_public_view_and_api_suppress_small_counts(world, client):
    for code in ("", "52", "52.02", "52.02.01"):
        response = client.get("/api/v1/public/indicators", {"area": code} if code else {})
        assert response.status_code == 200
        data = response.json()
        for value in _published_counts(data):
            assert value in ("<5", None) or value == 0 or value >= 5, (code, value)
    province = client.get("/api/v1/public/indicators", {"area": "52"}).json()
    assert province["children_registered"] == 5
    rows = {r["area"]: r for r in province["breakdown"]}
    assert rows["52.01"]["children_registered"] == "<5" and rows["52.02"]["children_registered"] == "<5"
    # Referrals: 1 in Lombok Barat, 6 in Lombok Tengah; the 6 is withheld, else 7 - 6 gives the 1 away.
    assert rows["52.01"]["referrals"] == "<5" and rows["52.02"]["referrals"] is None
    assert province["median_days_to_accept"] is None  # only 4 referrals behind it
    assert client.get("/api/v1/public/indicators", {"area": "52.02.01.2013"}).status_code == 422
    assert client.get("/api/v1/public/indicators", {"area": "99"}).status_code == 404
    page = client.get(reverse("dashboard:public"), {"area": "52"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;5" in html and "Secret" not in html


def test_public_figures_are_cached_and_recomputed_when_data_changes(world, django_assert_max_num_queries):
    from dashboard.selectors import public_indicators
    from referrals.models import Referral

    public_indicators("52")
    with django_assert_max_num_queries(4):  # the data version (2), the area and its breakdown
        public_indicators("52")
    Referral.objects.filter(pk=world["refs"]["r6"].pk).update(status="withdrawn")
    Referral.objects.filter(pk=world["refs"]["r6"].pk).first().save()
    data = public_indicators("52")
    assert data["referrals_by_status"]["withdrawn"] == "<5"


def test_public_indicators_selector_for_the_home_page(world):
    from dashboard.selectors import public_indicators

    data = public_indicators()
    assert data["area"] is None and data["name"] == "Indonesia"
    assert data["children_registered"] == 5


def test_dashboard_figures_are_cached_until_data_changes(world, client, token_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referrals.models import Referral

    user = world["users"]["koordinator_ntb"]
    auth = {"HTTP_AUTHORIZATION": token_for(user)}
    first = client.get("/api/v1/indicators", {"area": "52"}, **auth).json()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/api/v1/indicators", {"area": "52"}, **auth).json()
    assert again == first
    assert len(ctx.captured_queries) <= 8  # token, memberships, area, data version: no figure recomputed
    r6 = Referral.objects.get(pk=world["refs"]["r6"].pk)
    r6.status = "withdrawn"
    r6.save()
    # Until the refresh has run, a reader answers from the summaries as they are (and refreshes nothing).
    assert client.get("/api/v1/indicators", {"area": "52"}, **auth).json() == first
    # The commit runs the summaries' refresh task (asked for once per transaction: the test's one transaction
    # asked already, in the fixture), through the tasks backend (immediate in the tests).
    from dashboard.tasks import refresh_summaries

    refresh_summaries.enqueue()
    changed = client.get("/api/v1/indicators", {"area": "52"}, **auth).json()
    assert changed["referrals_by_status"]["withdrawn"] == 1 and changed["referrals_by_status"]["sent"] == 1


def test_the_warm_page_is_a_few_small_queries_whatever_the_data(world, client):
    """GET /dashboard/ with its figures cached: the same queries with more data, and none of them a server-side
    cursor (the filter form's choices are one plain SELECT each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.summaries import summaries_rebuild

    client.force_login(world["users"]["koordinator_ntb"])

    def warm_queries():
        assert client.get("/dashboard/").status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/dashboard/").status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    first = warm_queries()
    for case in world["cases"][:3]:
        case.pk = None
        case.code = case.code + "W"
        case.save()
    summaries_rebuild()
    again = warm_queries()
    assert len(again) == len(first) == WARM_PAGE_QUERIES, first
    assert not [q for q in again if q.lstrip().upper().startswith("DECLARE")]


# session, user, memberships, the services (the form's choices and the labels), the agencies, the summaries'
# state, the case team
WARM_PAGE_QUERIES = 7
