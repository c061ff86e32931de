"""Issue 19.3: a liaison sees no more of a case than their own referral. On every surface (case page, case API,
referral page and API, the list, the letter, the inbox) they see only their agencies' referrals and the needs
of those referrals' services; once a referral ended, only what the agency recorded itself."""

import json

import pytest

from portal.agencies.models import Service
from portal.agencies.services import agency_liaison_add
from referrals.services import case_update_needs, consent_record, referral_create, referral_transition
from tests.factories import make_user

from .conftest import CAREGIVER

TEAM_NOTE = "Ibu Inaq Rumenah minta dihubungi sore"  # a case worker's free text, naming the family
TEAM_WITHDRAW_NOTE = "Keluarga Amaq Rudi pindah"
OVERRIDE = "Pengasuh diduga pelaku kekerasan; meminta persetujuan membahayakan anak."


@pytest.fixture
def many(jago):
    """The jago case referred to Dukcapil (akta), Dinas Sosial (pkh) and, urgently without consent, to UPTD PPA
    (child protection); its needs are the three services."""
    w, code = jago["worker"], jago["case"].code
    consent_record(actor=w, code=code, given_by=CAREGIVER, relation="nenek", agencies=[jago["dinsos"]])
    case_update_needs(
        actor=w,
        code=code,
        needs=list(Service.objects.filter(slug__in=["akta-kelahiran", "pkh", "perlindungan-anak"])),
    )
    ppa_liaison = make_user("ppa_loteng")
    agency_liaison_add(agency=jago["ppa"], user=ppa_liaison)
    refs = {
        "dukcapil": referral_create(
            actor=w, code=code, agency=jago["dukcapil"], service=jago["akta"], note=TEAM_NOTE
        ),
        "dinsos": referral_create(actor=w, code=code, agency=jago["dinsos"], service=jago["pkh"], note="PKH"),
        "ppa": referral_create(
            actor=w,
            code=code,
            agency=jago["ppa"],
            service=jago["protection"],
            note="Segera",
            urgency="urgent",
            consent_override_reason=OVERRIDE,
        ),
    }
    users = {**jago["users"], "ppa_loteng": ppa_liaison}
    return {**jago, "refs": refs, "users": users}


# Each liaison: their agency's referral, the one need they may see, and the others they may not.
LIAISONS = {
    "dukcapil_loteng_1": ("dukcapil", "akta-kelahiran"),
    "dinsos_loteng": ("dinsos", "pkh"),
    "ppa_loteng": ("ppa", "perlindungan-anak"),
}


@pytest.mark.parametrize("username", sorted(LIAISONS))
def test_a_liaison_sees_only_their_agencys_referrals_and_needs(many, client, token_for, username):
    user = many["users"][username]
    mine, need = LIAISONS[username]
    code = many["case"].code
    data = client.get(f"/api/v1/cases/{code}", HTTP_AUTHORIZATION=token_for(user)).json()
    assert [r["id"] for r in data["referrals"]] == [many["refs"][mine].pk]
    assert data["needs"] == [need]
    client.force_login(user)
    html = client.get(f"/cases/{code}/").content.decode()
    for key, r in many["refs"].items():
        assert (r.agency.name in html) == (key == mine), (username, key)
    for s in Service.objects.filter(slug__in=["akta-kelahiran", "pkh", "perlindungan-anak"]):
        assert (f"<li>{s.need}</li>" in html) == (s.slug == need), (username, s.slug)
    # Their list and inbox: their own referral only.
    listed = client.get("/api/v1/referrals", HTTP_AUTHORIZATION=token_for(user)).json()["results"]
    assert [r["id"] for r in listed] == [many["refs"][mine].pk]
    inbox = client.get("/cases/inbox/?tab=all").content.decode()
    others = [r for k, r in many["refs"].items() if k != mine]
    assert all(f"/cases/referrals/{r.pk}/" not in inbox for r in others)
    # Another agency's referral is not found (not 403: it does not exist for them), letter included.
    for r in others:
        assert client.get(f"/cases/referrals/{r.pk}/").status_code == 404
        assert client.get(f"/cases/referrals/{r.pk}/letter/").status_code == 404
        assert client.get(f"/api/v1/referrals/{r.pk}", HTTP_AUTHORIZATION=token_for(user)).status_code == 404


@pytest.mark.parametrize("username", ["pendamping_jago", "fasilitator_jago", "fasilitator_praya"])
def test_the_team_and_overseers_still_see_every_referral(many, client, token_for, username):
    user = many["users"][username]
    data = client.get(f"/api/v1/cases/{many['case'].code}", HTTP_AUTHORIZATION=token_for(user)).json()
    assert sorted(r["id"] for r in data["referrals"]) == sorted(r.pk for r in many["refs"].values())
    assert sorted(data["needs"]) == ["akta-kelahiran", "perlindungan-anak", "pkh"]


# How a referral ends, who ends it, and what that side writes (the agency's own text stays visible to it).
ENDINGS = [
    # Issue 20: the decline note is written for the case team only; the agency keeps the category
    # (tests/security/test_break20.py).
    ("decline", "dukcapil_loteng_1", ["decline"], {"note": "KK belum ada"}, None),
    ("withdraw", "pendamping_jago", ["withdraw"], {"note": TEAM_WITHDRAW_NOTE}, None),
    (
        "complete",
        "dukcapil_loteng_1",
        ["accept", "start", "complete"],
        {"outcome": "AL.5202.123"},
        "AL.5202.123",
    ),
    (
        "close",
        "dukcapil_loteng_1",
        ["accept", "start", "close"],
        {"note": "Tidak bisa dihubungi"},
        "Tidak bisa",
    ),
]


@pytest.mark.parametrize(("ending", "by", "actions", "kw", "own_text"), ENDINGS, ids=[e[0] for e in ENDINGS])
def test_after_the_end_the_agency_sees_only_what_it_recorded(
    many, client, token_for, ending, by, actions, kw, own_text
):
    r = many["refs"]["dukcapil"]
    users = many["users"]
    for action in actions:
        actor = users[by] if action == actions[-1] else users["dukcapil_loteng_1"]
        referral_transition(
            actor=actor, referral_id=r.pk, action=action, **(kw if action == actions[-1] else {})
        )
    liaison = users["dukcapil_loteng_2"]
    auth = token_for(liaison)
    client.force_login(liaison)
    page = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    detail = client.get(f"/api/v1/referrals/{r.pk}", HTTP_AUTHORIZATION=auth).content.decode()
    r.refresh_from_db()
    listed = client.get(f"/api/v1/referrals?status={r.status}", HTTP_AUTHORIZATION=auth).content.decode()
    assert f'"id": {r.pk}' in listed or f'"id":{r.pk}' in listed
    for text in (page, detail, listed):
        assert TEAM_NOTE not in text and TEAM_WITHDRAW_NOTE not in text
        if own_text:
            assert own_text in text
    assert json.loads(detail)["note"] == ""
    # The case team still reads everything.
    client.force_login(many["worker"])
    team_page = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert TEAM_NOTE in team_page
    team = client.get(f"/api/v1/referrals/{r.pk}", HTTP_AUTHORIZATION=token_for(many["worker"])).json()
    assert team["note"] == TEAM_NOTE


def test_while_open_the_agency_reads_the_note_meant_for_it(many, client, token_for):
    r = many["refs"]["dukcapil"]
    liaison = many["users"]["dukcapil_loteng_1"]
    assert (
        client.get(f"/api/v1/referrals/{r.pk}", HTTP_AUTHORIZATION=token_for(liaison)).json()["note"]
        == TEAM_NOTE
    )
    client.force_login(liaison)
    assert TEAM_NOTE in client.get(f"/cases/referrals/{r.pk}/letter/").content.decode()
