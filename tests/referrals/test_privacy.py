"""The privacy matrix: every role × own / other case × identity fields, over pages, the API, search,
notifications, exports (the letter) and the audit trail. The child's name appears only where it should."""

import json

import pytest

from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from referrals.models import ChildCase, Referral
from referrals.services import case_register, referral_message_post, referral_transition

from .conftest import CAREGIVER, CHILD_NAME, birth, nik_for

OTHER_CHILD = "Baiq Kurnia Sukaraja"
ROLES = [
    "pendamping_jago",  # the case team
    "dukcapil_loteng_1",  # liaison of the receiving agency (open referral)
    "dukcapil_loteng_2",
    "dinsos_loteng",  # liaison of another agency
    "pendamping_sukaraja",  # a case worker of another desa
    "fasilitator_jago",  # overseer of the desa
    "fasilitator_praya",  # overseer of the kecamatan
    "kader_jago",  # forum member in the child's own dusun
    "koordinator_ntb",  # aggregates only
    "editor",
    "admin",  # a superuser is not on the case team either
]
TEAM = {"pendamping_jago"}
LIAISONS = {"dukcapil_loteng_1", "dukcapil_loteng_2"}
OVERSEERS = {"fasilitator_jago", "fasilitator_praya", "koordinator_ntb"}


@pytest.fixture
def world(sent):
    users = sent["users"]
    b = birth(11)
    other = case_register(
        actor=users["pendamping_sukaraja"],
        area=sent["hamlets"]["52.02.06.2001"][0],
        child_name=OTHER_CHILD,
        sex="F",
        birth_date=b,
        nik=nik_for(b, "F", region="520206"),
        caregiver_name="Inaq Sukaraja",
        caregiver_relation="ibu",
        parent_abroad="father",
        destination_country="Arab Saudi",
    )
    r = sent["referral"]
    referral_transition(actor=users["dukcapil_loteng_1"], referral_id=r.pk, action="accept", note="ok")
    referral_message_post(actor=users["dukcapil_loteng_1"], referral_id=r.pk, body="Mohon bawa KK")
    referral_message_post(actor=sent["worker"], referral_id=r.pk, body="Baik, besok")
    return {**sent, "other": other}


def body_of(client, url, auth=None):
    r = client.get(url, HTTP_AUTHORIZATION=auth) if auth else client.get(url)
    return r.status_code, r.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api(world, client, token_for, role):
    user = world["users"][role]
    case, r = world["case"], world["referral"]
    client.force_login(user)
    sees = role in TEAM or role in LIAISONS
    pages = [
        f"/cases/{case.code}/",
        f"/cases/referrals/{r.pk}/",
        f"/cases/referrals/{r.pk}/letter/",
        "/cases/",
        f"/cases/?q={CHILD_NAME.split()[1]}",
        "/cases/inbox/",
        f"/cases/{case.code}/audit/",
        "/home/",
        "/notifications/",
    ]
    for url in pages:
        status, html = body_of(client, url)
        shown = CHILD_NAME in html or CAREGIVER in html or case.nik in html
        expected = sees and url in pages[:3] or (role in TEAM and url in pages[3:5])
        assert shown == expected, (role, url, status)
        # Another case worker's child never shows anywhere for this person.
        assert OTHER_CHILD not in html or role == "pendamping_sukaraja", (role, url)
        if url == pages[0]:
            assert status == (200 if sees or role in OVERSEERS else 404), (role, url)
        if url in pages[1:3]:
            assert status == (200 if sees else 404), (role, url)
        if url == pages[6]:
            assert status == (200 if role in TEAM else 403 if role in OVERSEERS | LIAISONS else 404), (
                role,
                url,
            )
    auth = token_for(user)
    api = [
        f"/api/v1/cases/{case.code}",
        f"/api/v1/referrals/{r.pk}",
        "/api/v1/referrals",
        f"/api/v1/referrals/{r.pk}/messages",
        "/api/v1/notifications",
        "/api/v1/me",
    ]
    for url in api:
        status, text = body_of(client, url, auth)
        shown = CHILD_NAME in text or CAREGIVER in text
        assert shown == (sees and url == api[0]), (role, url, status)
        assert OTHER_CHILD not in text or role == "pendamping_sukaraja"


def test_identity_views_are_audited_with_surface_and_ip(world, client, token_for):
    case, r = world["case"], world["referral"]
    liaison = world["users"]["dukcapil_loteng_2"]
    client.force_login(liaison)
    client.get(f"/cases/referrals/{r.pk}/", REMOTE_ADDR="10.1.2.3")
    client.get(f"/cases/referrals/{r.pk}/letter/")
    client.get(f"/api/v1/cases/{case.code}", HTTP_AUTHORIZATION=token_for(liaison))
    entries = AuditEntry.objects.filter(case_code=case.code, actor=liaison).order_by("pk")
    assert [(e.action, e.surface) for e in entries] == [
        ("referral.view", "page"),
        ("referral.letter", "export"),
        ("case.view", "api"),
    ]
    assert entries[0].ip == "10.1.2.3" and "child_name" in entries[0].fields
    # An overseer's restricted view of the case carries no identity: nothing to audit.
    client.force_login(world["users"]["fasilitator_praya"])
    client.get(f"/cases/{case.code}/")
    assert not AuditEntry.objects.filter(
        actor=world["users"]["fasilitator_praya"], action="case.view"
    ).exists()


def test_no_identity_in_notifications_audit_or_events_anywhere(world):
    from referrals.models import ReferralEvent

    for value in (CHILD_NAME, CAREGIVER, world["case"].nik, OTHER_CHILD):
        assert not Notification.objects.filter(text__contains=value).exists()
        assert not Notification.objects.filter(url__contains=value).exists()
        assert value not in json.dumps(list(Notification.objects.values_list("params", flat=True)))
        assert value not in json.dumps(list(AuditEntry.objects.values_list("detail", flat=True)))
        assert not ReferralEvent.objects.filter(note__contains=value).exists()
    assert Notification.objects.filter(kind="referral.sent").count() == 2  # both Dukcapil liaisons
    # The messages reach the team and the liaison who handles the referral (who accepted it: triage's claim).
    handler = Referral.objects.get(pk=world["referral"].pk).claimed_by.username
    assert set(
        Notification.objects.filter(kind="referral.message").values_list("recipient__username", flat=True)
    ) == {"pendamping_jago", handler}


def test_case_team_reads_its_trail_and_only_its_own(world, client):
    client.force_login(world["worker"])
    html = client.get(f"/cases/{world['case'].code}/audit/").content.decode()
    assert "referral.view" in html or "referral.send" in html
    assert "dukcapil_loteng_1" in html
    assert client.get(f"/cases/{world['other'].code}/audit/").status_code == 404


def test_liaison_loses_identity_when_the_referral_ends(world, client):
    liaison = world["users"]["dukcapil_loteng_2"]
    r = world["referral"]
    referral_transition(
        actor=world["worker"], referral_id=r.pk, action="withdraw", note="Sudah diurus sendiri"
    )
    client.force_login(liaison)
    status, html = body_of(client, f"/cases/referrals/{r.pk}/")
    assert status == 200 and CHILD_NAME not in html
    # The thread stays readable to the agency, read-only, with its own messages only (issues 19.3 and 20).
    assert "Mohon bawa KK" in html and "Baik, besok" not in html and 'name="body"' not in html
    assert client.get(f"/cases/referrals/{r.pk}/letter/").status_code == 403
    assert client.get(f"/cases/{world['case'].code}/").status_code == 404


def test_anonymous_sees_nothing(world, client):
    for url in (f"/cases/{world['case'].code}/", f"/cases/referrals/{world['referral'].pk}/", "/cases/"):
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert client.get(f"/api/v1/cases/{world['case'].code}").status_code == 401


def test_search_only_finds_the_teams_cases(world, client):
    client.force_login(world["users"]["pendamping_sukaraja"])
    html = client.post("/cases/", {"q": "Lalu"}).content.decode()
    assert CHILD_NAME not in html
    html = client.post("/cases/", {"q": "Kurnia"}).content.decode()
    assert OTHER_CHILD in html
    html = client.post("/cases/", {"q": "Tidak Ada"}).content.decode()
    assert OTHER_CHILD not in html and "Tidak Ada" in html  # "no case matches": the answer to the POST
    assert ChildCase.objects.count() == 2
