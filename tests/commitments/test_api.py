"""GET, POST /api/v1/commitments and GET /api/v1/public/commitments (API.md, additions of 2026-11-29)."""

import re

import pytest
from django.test import Client

from commitments.models import BudgetLine, Policy

OFFSET = re.compile(r"\+08:00$")


@pytest.fixture
def client():
    return Client()


def test_list_shape_filters_and_pages(seeded, client, token_for):
    auth = {"HTTP_AUTHORIZATION": token_for(seeded["users"]["koordinator_ntb"])}
    body = client.get("/api/v1/commitments?area=52.02&year=2026", **auth).json()
    assert set(body) == {"count", "results"}
    kinds = {item["kind"] for item in body["results"]}
    assert kinds == {"policy", "budget"}
    line = next(i for i in body["results"] if i["kind"] == "budget")
    assert {
        "id",
        "area",
        "year",
        "kind",
        "title",
        "source",
        "planned_idr",
        "realised_idr",
        "services",
    } <= set(line)
    assert isinstance(line["planned_idr"], int) and OFFSET.search(line["created_at"])
    policy = next(i for i in body["results"] if i["kind"] == "policy")
    assert {
        "policy_kind",
        "number",
        "issued_on",
        "issuing_body",
        "status",
        "published",
        "document_url",
    } <= set(policy)
    budget = client.get("/api/v1/commitments?area=52.02&year=2026&kind=budget&page_size=100", **auth).json()
    assert budget["count"] == BudgetLine.objects.filter(year=2026).count() == len(budget["results"])
    assert all(i["kind"] == "budget" and i["year"] == 2026 for i in budget["results"])
    # Pages across the two kinds: every item once.
    seen = []
    for page in (1, 2, 3, 4, 5, 6, 7, 8):
        seen += [
            (i["kind"], i["id"])
            for i in client.get(f"/api/v1/commitments?area=52&page={page}&page_size=3", **auth).json()[
                "results"
            ]
        ]
    assert len(seen) == len(set(seen)) == Policy.objects.count() + BudgetLine.objects.count()
    jago = client.get("/api/v1/commitments?area=52.02.01.2013&kind=budget&page_size=100", **auth).json()
    assert {i["area"] for i in jago["results"]} == {"52.02.01.2013"}


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "area"), ("area=52.02&kind=money", "kind"), ("area=52.02&year=1800", "year"),
     ("area=52.02&page=0", "page"), ("area=52.02&page_size=101", "page_size"), ("area=52.02&page=99999999999", "page")],
)  # fmt: skip
def test_list_refuses_bad_input_with_the_field_named(seeded, client, token_for, query, field):
    response = client.get(
        f"/api/v1/commitments?{query}", HTTP_AUTHORIZATION=token_for(seeded["users"]["kader_jago"])
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_list_needs_authentication_and_unknown_areas_are_404(seeded, client, token_for):
    assert client.get("/api/v1/commitments?area=52.02").status_code == 401
    auth = token_for(seeded["users"]["kader_jago"])
    assert client.get("/api/v1/commitments?area=99.99", HTTP_AUTHORIZATION=auth).status_code == 404


def test_post_a_budget_line_and_a_policy(seeded, client, token_for):
    auth = {"HTTP_AUTHORIZATION": token_for(seeded["users"]["fasilitator_jago"])}
    body = {"kind": "budget", "area": "52.02.01.2013", "year": 2026, "source": "dana_desa", "title": "Posyandu remaja",
            "field": "02.02", "planned_idr": 12_500_000, "services": ["bpjs-pbi"]}  # fmt: skip
    response = client.post("/api/v1/commitments", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["kind"], item["planned_idr"], item["field"], item["services"]) == (
        "budget",
        12_500_000,
        "2.2",
        ["bpjs-pbi"],
    )
    policy = {"kind": "policy", "area": "52.02.01.2013", "policy_kind": "sk_kades", "title": "SK Tim Perlindungan Anak",
              "issuing_body": "Kepala Desa Jago"}  # fmt: skip
    response = client.post("/api/v1/commitments", policy, content_type="application/json", **auth)
    assert response.status_code == 201 and response.json()["status"] == "draft"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"planned_idr": 12.5}, "planned_idr"), ({"planned_idr": -1}, "planned_idr"), ({"source": "arisan"}, "source"),
     ({"field": "9.9"}, "field"), ({"year": 1999}, "year"), ({"title": ""}, "title"), ({"services": ["sulap"]}, "services"),
     ({"kind": "wish"}, "kind"), ({"planned_idr": 10**16}, "planned_idr"), ({"realised_on": "2019-01-01"}, "realised_on")],
)  # fmt: skip
def test_post_refuses_bad_input_with_the_field_named(seeded, client, token_for, change, field):
    body = {"kind": "budget", "area": "52.02.01.2013", "year": 2026, "source": "dana_desa", "title": "Posyandu",
            "planned_idr": 1000} | change  # fmt: skip
    response = client.post("/api/v1/commitments", body, content_type="application/json",
                           HTTP_AUTHORIZATION=token_for(seeded["users"]["fasilitator_jago"]))  # fmt: skip
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not BudgetLine.objects.filter(activity="Posyandu").exists()


def test_post_by_someone_who_does_not_record_the_area_is_403(seeded, client, token_for):
    body = {
        "kind": "budget",
        "area": "52.02.06.2001",
        "year": 2026,
        "source": "add",
        "title": "x",
        "planned_idr": 1,
    }
    for who in ("kader_jago", "fasilitator_jago", "pendamping_sukaraja"):
        response = client.post("/api/v1/commitments", body, content_type="application/json",
                               HTTP_AUTHORIZATION=token_for(seeded["users"][who]))  # fmt: skip
        assert response.status_code == 403, who
        assert response.json()["detail"]


def test_public_rollup_needs_no_login_and_holds_no_personal_data(seeded, client):
    response = client.get("/api/v1/public/commitments?area=52.02&year=2026")
    assert response.status_code == 200
    data = response.json()
    assert data["area"] == "52.02" and data["year"] == 2026
    assert {
        "villages_with_policy",
        "planned_idr",
        "realised_idr",
        "by_source_detail",
        "breakdown",
        "trend",
        "policies",
    } <= set(data)
    assert all(isinstance(r["planned_idr"], int) for r in data["breakdown"])
    text = response.content.decode()
    for person in ("koordinator", "fasilitator", "Baiq", "Yusuf", "created_by", "username"):
        assert person not in text
    assert client.get("/api/v1/public/commitments").json()["name"] == "Indonesia"
    village = client.get("/api/v1/public/commitments?area=52.02.01.2013")
    assert village.status_code == 422 and "area" in village.json()["errors"]
    assert client.get("/api/v1/public/commitments?area=52&year=1500").status_code == 422


def test_the_openapi_document_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/commitments"])
    assert "get" in paths["/api/v1/public/commitments"]


def test_area_codes_that_cannot_be_codes_are_404_never_5xx(seeded, client, token_for):
    """A code that names no area is a 404; one carrying a control character is refused earlier by the input
    rules (422 naming the field, portal.core.text) — never a 5xx either way."""
    auth = token_for(seeded["users"]["koordinator_ntb"])
    for bad in ("52.02'--", "x" * 200, "%F0%9F%98%80", "99"):
        assert client.get(f"/api/v1/public/commitments?area={bad}").status_code == 404
        assert client.get(f"/api/v1/commitments?area={bad}", HTTP_AUTHORIZATION=auth).status_code == 404
        assert client.get(f"/commitments/a/{bad}/").status_code == 404
    for bad in ("%00", "52%00"):
        for response in (
            client.get(f"/api/v1/public/commitments?area={bad}"),
            client.get(f"/api/v1/commitments?area={bad}", HTTP_AUTHORIZATION=auth),
        ):
            assert response.status_code == 422
            assert "area" in response.json()["errors"]
        assert client.get(f"/commitments/a/{bad}/").status_code in (400, 404)
