"""Issue 20, the dashboard: the overdue figure leads to the overdue referrals (for those who may see them), the
area table sorts by any column on the server (?sort=, no JavaScript), bar labels fit a 360 px phone, and the CSV
export is one table per file (?table=, or a zip of them) while the old URLs keep their answer."""

import csv
import io
import re
import zipfile

import pytest
from django.urls import reverse

from portal.core.charts import WIDTH, bar_chart


def _login(client, user):
    client.force_login(user)
    return client


def page(client, user, **params):
    _login(client, user)
    response = client.get("/dashboard/", params)
    assert response.status_code == 200
    return response.content.decode()


# --- the overdue figure --------------------------------------------------------------------------------


def test_the_overdue_figure_links_to_the_overdue_referrals(world, client):
    html = page(client, world["users"]["fasilitator_praya"], area="52.02.01")
    link = re.search(r'<a class="figure alert" href="([^"]+)"', html)
    assert link, "the overdue figure is a link"
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith("/dashboard/overdue/?area=52.02.01")
    listing = client.get(url)
    assert listing.status_code == 200 and "no-store" in listing["Cache-Control"]
    text = listing.content.decode()
    overdue = [world["refs"]["r2"], world["refs"]["r3"]]
    for r in overdue:
        assert r.case.code in text
        assert reverse("referrals:case_detail", kwargs={"code": r.case.code}) in text
    # Not overdue: not listed.
    assert world["refs"]["r1"].case.code not in text or world["refs"]["r1"].case == world["refs"]["r3"].case
    assert world["refs"]["r6"].case.code not in text
    assert "Secret Child Name" not in text and "Secret Caregiver" not in text


def test_the_overdue_list_is_only_for_who_oversees_the_area(world, client):
    users = world["users"]
    # Another kecamatan's facilitator: the same 404 as for no such area.
    _login(client, users["fasilitator_praya_timur"])
    assert client.get("/dashboard/overdue/", {"area": "52.02.01"}).status_code == 404
    for username in ("kader_jago", "pendamping_jago", "dukcapil_loteng_1"):
        _login(client, users[username])
        assert client.get("/dashboard/overdue/", {"area": "52.02.01"}).status_code == 404, username
    client.logout()
    assert client.get("/dashboard/overdue/").status_code == 302


def test_no_link_when_nothing_is_overdue(world, client):
    html = page(client, world["users"]["koordinator_ntb"], area="52.01")
    assert "/dashboard/overdue/" not in html


# --- the area table sorts ------------------------------------------------------------------------------


def rows_of(html):
    table = re.search(r'<table class="breakdown">.*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", tr, re.S).group(1)).strip()
        nums = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', tr)]
        rows.append((name, *nums))
    return table, rows


@pytest.mark.parametrize(
    ("sort", "key", "reverse_"),
    [
        ("name", 0, False),
        ("-name", 0, True),
        ("children", 1, False),
        ("-children", 1, True),
        ("referrals", 2, False),
        ("-referrals", 2, True),
        ("overdue", 3, False),
        ("-overdue", 3, True),
    ],
)
def test_the_area_table_sorts_by_any_column(world, client, sort, key, reverse_):
    html = page(client, world["users"]["koordinator_ntb"], area="52.02", sort=sort)
    table, rows = rows_of(html)
    assert len(rows) > 2
    values = [r[key] for r in rows]
    assert values == sorted(values, reverse=reverse_), (sort, rows)
    # Each header is a link that sorts (and says how it is sorted now).
    assert table.count('aria-sort="') == 1
    for column in ("name", "children", "referrals", "overdue"):
        assert f"sort={column}" in table or f"sort=-{column}" in table


def test_an_unknown_sort_is_the_default_order(world, client):
    user = world["users"]["koordinator_ntb"]
    _table, default = rows_of(page(client, user, area="52.02"))
    _table, odd = rows_of(page(client, user, area="52.02", sort="'; DROP TABLE x"))
    assert odd == default


def test_sorting_keeps_the_filters(world, client):
    html = page(client, world["users"]["koordinator_ntb"], area="52.02", service="akta-kelahiran")
    table, _rows = rows_of(html)
    assert "service=akta-kelahiran" in table


# --- bar labels ------------------------------------------------------------------------------------------


def test_bar_labels_have_the_whole_width_and_are_not_cut():
    long = "Bantuan Pendidikan (KIP/PIP) dan Kartu Indonesia Pintar"
    chart = bar_chart(id="c", title="t", rows=[(long, 120, ""), ("Kec. Praya Timur", 1, "")])
    for row in chart.rows:
        assert 0 <= row["label_x"] <= 2
        assert row["value_x"] + 7 * len(str(row["shown"])) <= WIDTH
        assert row["label_y"] < row["bar_y"]  # the label on its own line above its bar
    from django.template.loader import render_to_string

    svg = render_to_string("dashboard/charts/bars.html", {"chart": chart})
    assert "Bantuan Pendidikan (KIP/PIP) dan Kartu Indonesia" in svg
    assert 'text-anchor="end"' not in svg


# --- exports: one table per file -------------------------------------------------------------------------


def test_csv_export_of_one_table(world, client):
    _login(client, world["users"]["koordinator_ntb"])
    response = client.get(reverse("dashboard:export", args=["csv"]), {"area": "52.02", "table": "areas"})
    assert response.status_code == 200
    assert "areas" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Kode wilayah", "Wilayah", "Anak terdaftar", "Rujukan", "Terlambat"]
    assert all(len(r) == 5 for r in rows)  # one table, no section titles, no blank separators


def test_zip_export_holds_one_csv_per_table(world, client):
    _login(client, world["users"]["koordinator_ntb"])
    response = client.get(reverse("dashboard:export", args=["zip"]), {"area": "52.02"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert {"figures.csv", "areas.csv", "months.csv"} <= set(names)
    for name in names:
        text = archive.read(name).decode("utf-8-sig")
        rows = [r for r in csv.reader(io.StringIO(text))]
        assert rows and all(rows), name  # no blank separator rows: one table
        assert "Secret Child Name" not in text


def test_the_old_csv_export_is_unchanged_and_an_unknown_table_is_refused(world, client):
    _login(client, world["users"]["koordinator_ntb"])
    whole = client.get(reverse("dashboard:export", args=["csv"]), {"area": "52.02"})
    assert whole.status_code == 200 and b"\r\n\r\n" in whole.content  # all sections, as before
    bad = client.get(reverse("dashboard:export", args=["csv"]), {"area": "52.02", "table": "nope"})
    assert bad.status_code == 404


def test_the_page_offers_each_table(world, client):
    html = page(client, world["users"]["koordinator_ntb"], area="52.02")
    assert "export.zip" in html and "table=areas" in html
