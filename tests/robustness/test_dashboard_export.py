"""The dashboard's export says what is wrong with its filters instead of ignoring them (issue 18.2)."""

import pytest
from django.test import Client

CASES = [
    ({"date_from": "0001-01-01"}, "date_from", "Isi tanggal antara tahun 1900 dan 2100."),
    ({"date_to": "9999-12-31"}, "date_to", "Isi tanggal antara tahun 1900 dan 2100."),
    ({"date_from": "kemarin"}, "date_from", None),
    ({"date_from": "2026-05-01", "date_to": "2026-01-01"}, "date_to", None),
]


@pytest.mark.parametrize(("query", "field", "message"), CASES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_invalid_filter_is_refused_with_its_message(demo, query, field, message, fmt):
    client = Client()
    client.force_login(demo["users"]["koordinator_ntb"])
    response = client.get(f"/dashboard/export.{fmt}", query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Ekspor tidak dibuat" in html
    if message:
        assert message in html
    ok = client.get(f"/dashboard/export.{fmt}", {"date_from": "2026-01-01"})
    assert ok.status_code == 200 and "attachment" in ok["Content-Disposition"]
