"""API v1 for cases, consents, referrals, transitions and messages, as API.md says: 201, 404 for what the caller
may not see, 403 for what they may not do, 409 for the wrong state or missing consent, 422 for bad input."""

import json

import pytest

from referrals.models import ChildCase, Referral

from .conftest import CHILD_NAME, birth, nik_for


def post(client, url, body, auth):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth)


def get(client, url, auth):
    return client.get(url, HTTP_AUTHORIZATION=auth)


def case_body(**over):
    b = birth(9)
    body = {
        "child_name": "Baiq Sinta Maharani",
        "sex": "F",
        "birth_date": b.isoformat(),
        "nik": nik_for(b, "F", seq=12),
        "area": "52.02.01.2013",
        "caregiver_name": "Inaq Sarinah",
        "caregiver_relation": "bibi",
        "parent_abroad": "both",
        "destination_country": "Malaysia",
        "needs": ["kip", "bpjs-pbi"],
    }
    body.update(over)
    return body


def test_register_a_case(jago, client, token_for):
    auth = token_for(jago["worker"])
    r = post(client, "/api/v1/cases", case_body(), auth)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["code"].startswith("APM-5202-")
    assert data["child_name"] == "Baiq Sinta Maharani"
    assert sorted(data["needs"]) == ["bpjs-pbi", "kip"]
    # The sequence follows the regency's counter: the fixture's case was the first.
    assert data["code"] == "APM-5202-00002"
    assert ChildCase.objects.get(code=data["code"]).team.get().user == jago["worker"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "2000-01-01", "nik": ""}, "birth_date"),
        ({"nik": "12345"}, "nik"),
        ({"nik": "5202010101990001"}, "nik"),  # a valid NIK, but not this child's date of birth
        ({"area": "52.02.06.2001"}, "area"),  # Sukaraja: not pendamping_jago's area
        ({"area": "52.02.01"}, "area"),  # a kecamatan, not a dusun or desa
        ({"area": "99.99"}, "area"),
        ({"sex": "X"}, "sex"),
        ({"needs": ["wings"]}, "needs"),
        ({"birth_date": "not a date"}, "birth_date"),
    ],
)
def test_bad_case_input_is_422_and_nothing_saved(jago, client, token_for, over, field):
    before = ChildCase.objects.count()
    r = post(client, "/api/v1/cases", case_body(**over), token_for(jago["worker"]))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"], r.json()
    assert ChildCase.objects.count() == before


def test_only_case_workers_register(jago, client, token_for):
    r = post(client, "/api/v1/cases", case_body(), token_for(jago["users"]["kader_jago"]))
    assert r.status_code == 403


def test_case_detail_by_role(jago, client, token_for):
    code = jago["case"].code
    users = jago["users"]
    team = get(client, f"/api/v1/cases/{code}", token_for(jago["worker"])).json()
    assert team["child_name"] == CHILD_NAME and team["area"] == "52.02.01.2013.01"  # the dusun
    # The kecamatan facilitator oversees the area: the code, desa, needs and statuses, no identity.
    overseer = get(client, f"/api/v1/cases/{code}", token_for(users["fasilitator_praya"]))
    assert overseer.status_code == 200
    assert "child_name" not in overseer.json() and "birth_date" not in overseer.json()
    assert overseer.json()["needs"]
    for name in ("kader_jago", "pendamping_sukaraja", "dukcapil_loteng_1", "editor"):
        assert get(client, f"/api/v1/cases/{code}", token_for(users[name])).status_code == 404, name
    assert get(client, "/api/v1/cases/APM-5202-99999", token_for(jago["worker"])).status_code == 404


def test_consent_then_referral_then_transitions_and_messages(jago, client, token_for):
    code = jago["case"].code
    worker, liaison = token_for(jago["worker"]), token_for(jago["users"]["dinsos_loteng"])
    body = {"case": code, "agency": jago["dinsos"].pk, "service": "pkh", "note": "Keluarga belum PKH"}
    r = post(client, "/api/v1/referrals", body, worker)
    assert r.status_code == 409 and "Belum ada persetujuan" in r.json()["detail"]
    r = post(
        client,
        f"/api/v1/cases/{code}/consents",
        {"given_by": "Inaq Rumenah", "relation": "nenek", "agencies": [jago["dinsos"].pk]},
        worker,
    )
    assert r.status_code == 201, r.content
    r = post(client, "/api/v1/referrals", body, worker)
    assert r.status_code == 201, r.content
    ref = r.json()
    assert ref["status"] == "sent" and ref["urgency"] == "routine" and ref["due_at"]
    rid = ref["id"]
    # The liaison sees it; the case team cannot accept it (403); accepting twice is 409.
    assert get(client, f"/api/v1/referrals/{rid}", liaison).json()["allowed_actions"] == ["accept", "decline"]
    assert (
        post(client, f"/api/v1/referrals/{rid}/transitions", {"action": "accept"}, worker).status_code == 403
    )
    r = post(
        client, f"/api/v1/referrals/{rid}/transitions", {"action": "accept", "note": "Diterima"}, liaison
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert (
        post(client, f"/api/v1/referrals/{rid}/transitions", {"action": "accept"}, liaison).status_code == 409
    )
    assert post(client, f"/api/v1/referrals/{rid}/transitions", {"action": "fly"}, liaison).status_code == 422
    r = post(client, f"/api/v1/referrals/{rid}/messages", {"body": "Mohon fotokopi KK"}, liaison)
    assert r.status_code == 201
    msgs = get(client, f"/api/v1/referrals/{rid}/messages", worker).json()
    assert msgs["count"] == 1 and msgs["results"][0]["author"] == "dinsos_loteng"
    team_text = "Neneknya yang mengasuh, ibunya di Malaysia"
    assert post(client, f"/api/v1/referrals/{rid}/messages", {"body": team_text}, worker).status_code == 201
    post(client, f"/api/v1/referrals/{rid}/transitions", {"action": "start"}, liaison)
    r = post(client, f"/api/v1/referrals/{rid}/transitions", {"action": "complete"}, liaison)
    assert r.status_code == 422 and "outcome" in r.json()["errors"]
    r = post(
        client,
        f"/api/v1/referrals/{rid}/transitions",
        {"action": "complete", "outcome": "Masuk PKH 2027"},
        liaison,
    )
    assert r.status_code == 200
    detail = r.json()
    assert detail["outcome"] == "Masuk PKH 2027"
    assert [h["status"] for h in detail["history"]] == ["sent", "accepted", "in_progress", "completed"]
    assert detail["history"][1]["by"] == "dinsos_loteng" and detail["history"][1]["note"] == "Diterima"
    # After the end the agency still sees the record and, read-only, its own messages (issue 20), never the
    # team's (issue 19.3: only what it recorded itself).
    assert get(client, f"/api/v1/referrals/{rid}", liaison).status_code == 200
    own = get(client, f"/api/v1/referrals/{rid}/messages", liaison).json()
    assert [m["author"] for m in own["results"]] == ["dinsos_loteng"] and own["count"] == 1
    assert team_text not in str(own)
    assert get(client, f"/api/v1/referrals/{rid}/messages", worker).json()["count"] == 2
    assert post(client, f"/api/v1/referrals/{rid}/messages", {"body": "x"}, liaison).status_code == 409


def test_referral_404_for_outsiders_and_lists(sent, client, token_for):
    rid = sent["referral"].pk
    for name in (
        "dinsos_loteng",
        "kader_jago",
        "fasilitator_praya",
        "koordinator_ntb",
        "pendamping_sukaraja",
    ):
        auth = token_for(sent["users"][name])
        assert get(client, f"/api/v1/referrals/{rid}", auth).status_code == 404, name
        assert get(client, f"/api/v1/referrals/{rid}/messages", auth).status_code == 404, name
        assert (
            post(client, f"/api/v1/referrals/{rid}/transitions", {"action": "accept"}, auth).status_code
            == 404
        )
        assert get(client, "/api/v1/referrals", auth).json()["count"] == 0
    liaison = token_for(sent["users"]["dukcapil_loteng_2"])
    listed = get(client, "/api/v1/referrals?status=sent&service=akta-kelahiran", liaison).json()
    assert listed["count"] == 1 and listed["results"][0]["case"] == sent["case"].code
    assert "child_name" not in json.dumps(listed)
    assert get(client, "/api/v1/referrals?overdue=true", liaison).json()["count"] == 0
    assert get(client, "/api/v1/referrals?page_size=1000", liaison).status_code == 422


@pytest.mark.parametrize(
    ("over", "status", "key"),
    [
        ({"agency": 999999}, 422, "agency"),
        ({"service": "kia", "agency": "dinsos"}, 422, "agency"),  # Dinas Sosial does not provide KIA
        ({"service": "teleport"}, 422, "service"),
        ({"urgency": "whenever"}, 422, "urgency"),
        ({"case": "APM-5202-99999"}, 404, None),
    ],
)
def test_bad_referral_input(jago, client, token_for, over, status, key):
    body = {
        "case": jago["case"].code,
        "agency": jago["dukcapil"].pk,
        "service": "akta-kelahiran",
        "note": "x",
    }
    if over.get("agency") == "dinsos":
        over["agency"] = jago["dinsos"].pk
    body.update(over)
    r = post(client, "/api/v1/referrals", body, token_for(jago["worker"]))
    assert r.status_code == status, r.content
    if key:
        assert key in r.json()["errors"]
    assert Referral.objects.count() == 0


def test_referral_for_other_areas_agency_is_refused(jago, client, token_for):
    from portal.agencies.services import agency_create
    from portal.areas.models import Area

    bali = agency_create(
        name="Dinas Dukcapil Kab. Badung",
        kind="dukcapil",
        area=Area.objects.get(code="51.03"),
        services=[jago["akta"]],
    )
    body = {"case": jago["case"].code, "agency": bali.pk, "service": "akta-kelahiran", "note": "x"}
    r = post(client, "/api/v1/referrals", body, token_for(jago["worker"]))
    assert r.status_code == 422 and "agency" in r.json()["errors"]


def test_non_team_case_worker_cannot_refer_a_case_they_cannot_see(jago, client, token_for):
    body = {
        "case": jago["case"].code,
        "agency": jago["dukcapil"].pk,
        "service": "akta-kelahiran",
        "note": "x",
    }
    assert (
        post(client, "/api/v1/referrals", body, token_for(jago["users"]["pendamping_sukaraja"])).status_code
        == 404
    )
    # The kecamatan facilitator sees the case's code but may not refer it.
    assert (
        post(client, "/api/v1/referrals", body, token_for(jago["users"]["fasilitator_praya"])).status_code
        == 403
    )


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/cases", "/api/v1/referrals", "/api/v1/referrals/{referral_id}/transitions"):
        assert p in paths
