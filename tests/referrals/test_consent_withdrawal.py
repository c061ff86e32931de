"""Issue 19.2: withdrawing consent ends the sharing at once. Every open referral that relied on the consent is
withdrawn (history entry "consent withdrawn", both sides notified); the agency loses identity, thread and letter
on every surface (page and API); a referral sent under the urgent child-protection override stays as it is."""

import json

import pytest

from portal.agencies.services import agency_liaison_add
from portal.audit.models import AuditEntry
from portal.core.errors import Conflict
from portal.notifications.models import Notification
from portal.people.models import Role
from portal.people.services import membership_add
from referrals.models import Referral
from referrals.services import (
    case_team_add,
    consent_record,
    consent_withdraw,
    referral_create,
    referral_message_post,
    referral_transition,
)
from tests.factories import make_user

from .conftest import CAREGIVER, CHILD_NAME

PHONE = "081234567890"
OVERRIDE = "Pengasuh diduga pelaku kekerasan; meminta persetujuan membahayakan anak."
# How far the referral got before the consent was withdrawn: the actions the liaison took.
STAGES = {"sent": [], "accepted": ["accept"], "in_progress": ["accept", "start"]}


@pytest.fixture
def shared(sent):
    """`sent` with a phone on the case, a second case worker on the team, a PPA liaison and an urgent
    child-protection referral to UPTD PPA sent under the override (no consent covers PPA)."""
    case = sent["case"]
    case.caregiver_phone = PHONE
    case.save(update_fields=["caregiver_phone"])
    colleague = make_user("pendamping_jago_2")
    membership_add(user=colleague, area=sent["areas"]["52.02.01.2013"], role=Role.CASE_WORKER)
    case_team_add(actor=sent["worker"], code=case.code, username=colleague.username)
    ppa_liaison = make_user("ppa_loteng")
    agency_liaison_add(agency=sent["ppa"], user=ppa_liaison)
    urgent = referral_create(
        actor=sent["worker"],
        code=case.code,
        agency=sent["ppa"],
        service=sent["protection"],
        note="Segera",
        urgency="urgent",
        consent_override_reason=OVERRIDE,
    )
    return {**sent, "colleague": colleague, "ppa_liaison": ppa_liaison, "urgent": urgent}


def advance(world, actions):
    r = world["referral"]
    for action in actions:
        referral_transition(actor=world["users"]["dukcapil_loteng_1"], referral_id=r.pk, action=action)
    referral_message_post(actor=world["users"]["dukcapil_loteng_1"], referral_id=r.pk, body="Mohon bawa KK")


def withdraw_by(how, world, client, token_for):
    case = world["case"]
    consent = case.consents.get()
    if how == "service":
        consent_withdraw(actor=world["worker"], code=case.code, consent_id=consent.pk, note="Nenek menarik")
    elif how == "api":
        r = client.post(
            f"/api/v1/cases/{case.code}/consents/{consent.pk}/withdraw",
            HTTP_AUTHORIZATION=token_for(world["worker"]),
        )
        assert r.status_code == 200 and r.json()["withdrawn_at"]
    else:
        client.force_login(world["worker"])
        r = client.post(f"/cases/{case.code}/consents/{consent.pk}/withdraw/", {"note": "Nenek menarik"})
        assert r.status_code == 302
        client.logout()


IDENTITY = [CHILD_NAME, CAREGIVER, PHONE]


def identity_in(text, world):
    case = world["case"]
    found = [v for v in [*IDENTITY, case.nik, case.birth_date.isoformat()] if v and v in text]
    return found


# Each surface, as the Dukcapil liaison, after the withdrawal: (method, url, body, acceptable statuses).
LIAISON_SURFACES = [
    ("GET", "/api/v1/cases/{code}", None, {404}),
    ("GET", "/cases/{code}/", None, {404}),
    ("GET", "/api/v1/referrals/{pk}", None, {200}),
    ("GET", "/api/v1/referrals", None, {200}),
    ("GET", "/cases/referrals/{pk}/", None, {200}),
    ("GET", "/cases/inbox/?tab=all", None, {200}),
    ("GET", "/cases/referrals/{pk}/letter/", None, {403}),
    ("GET", "/api/v1/referrals/{pk}/messages", None, {403}),
    ("POST", "/api/v1/referrals/{pk}/messages", {"body": "Sudah?"}, {403}),
    ("POST", "/cases/referrals/{pk}/messages/", {"body": "Sudah?"}, {403}),
    ("POST", "/api/v1/referrals/{pk}/transitions", {"action": "accept"}, {409}),
    ("POST", "/api/v1/referrals/{pk}/transitions", {"action": "start"}, {409}),
    ("POST", "/api/v1/referrals/{pk}/transitions", {"action": "complete", "outcome": "AL.123"}, {409}),
    ("POST", "/cases/referrals/{pk}/act/", {"action": "accept"}, {302}),
]


@pytest.mark.parametrize("how", ["service", "api", "page"])
@pytest.mark.parametrize("stage", sorted(STAGES))
def test_withdrawal_ends_the_sharing_on_every_surface(shared, client, token_for, how, stage):
    world = shared
    advance(world, STAGES[stage])
    liaison = world["users"]["dukcapil_loteng_1"]
    r = world["referral"]
    # Before: the liaison sees the child (the test would pass vacuously otherwise).
    client.force_login(liaison)
    assert CHILD_NAME in client.get(f"/cases/referrals/{r.pk}/").content.decode()
    client.logout()
    withdraw_by(how, world, client, token_for)

    r.refresh_from_db()
    assert r.status == "withdrawn" and r.withdrawn_at is not None
    last = r.events.order_by("-at", "-pk").first()
    assert (last.action, last.from_status, last.status, last.note) == (
        "consent_withdrawn",
        stage,
        "withdrawn",
        "consent withdrawn",
    )
    auth = token_for(liaison)
    client.force_login(liaison)
    for method, url, body, statuses in LIAISON_SURFACES:
        url = url.format(code=world["case"].code, pk=r.pk)
        if method == "GET":
            resp = client.get(url, HTTP_AUTHORIZATION=auth) if url.startswith("/api/") else client.get(url)
        elif url.startswith("/api/"):
            resp = client.post(
                url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth
            )
        else:
            resp = client.post(url, body)
        text = resp.content.decode()
        assert resp.status_code in statuses, (method, url, resp.status_code, text[:300])
        assert not identity_in(text, world), (method, url)
        assert "Mohon bawa KK" not in text, (method, url)  # the thread
    r.refresh_from_db()
    assert r.status == "withdrawn" and r.messages.count() == 1
    # The history on the referral (API) names the withdrawal; the team's note is not the agency's any more.
    hist = client.get(f"/api/v1/referrals/{r.pk}", HTTP_AUTHORIZATION=auth).json()
    assert hist["note"] == "" and hist["history"][-1]["action"] == "consent_withdrawn"
    assert all(h["note"] != "Akta" for h in hist["history"])


def test_both_sides_are_notified_and_it_is_audited(shared, client, token_for):
    world = shared
    withdraw_by("api", world, client, token_for)
    r = world["referral"]
    told = set(
        Notification.objects.filter(kind="referral.consent_withdrawn").values_list(
            "recipient__username", flat=True
        )
    )
    # The other team member and both Dukcapil liaisons; never the actor; never the PPA liaison.
    assert told == {"pendamping_jago_2", "dukcapil_loteng_1", "dukcapil_loteng_2"}
    n = Notification.objects.filter(kind="referral.consent_withdrawn").first()
    assert world["case"].code in n.text and CHILD_NAME not in n.text
    assert n.url == f"/cases/referrals/{r.pk}/"
    entry = AuditEntry.objects.get(action="referral.consent_withdrawn", object_id=str(r.pk))
    assert entry.case_code == world["case"].code and entry.detail["to"] == "withdrawn"
    consent_entry = AuditEntry.objects.get(action="consent.withdraw", case_code=world["case"].code)
    assert consent_entry.detail["referrals_withdrawn"] == [r.pk]


def test_the_override_referral_never_relied_on_consent_and_stays(shared, client, token_for):
    world = shared
    urgent = world["urgent"]
    withdraw_by("service", world, client, token_for)
    urgent.refresh_from_db()
    assert urgent.status == "sent" and urgent.consent_override and urgent.consent is None
    assert not urgent.events.filter(action="consent_withdrawn").exists()
    client.force_login(world["ppa_liaison"])
    assert CHILD_NAME in client.get(f"/cases/referrals/{urgent.pk}/").content.decode()
    assert client.get(f"/cases/referrals/{urgent.pk}/letter/").status_code == 200
    referral_transition(actor=world["ppa_liaison"], referral_id=urgent.pk, action="accept")


def test_another_consent_in_force_for_the_agency_keeps_the_referral(shared, client, token_for):
    world = shared
    case, r = world["case"], world["referral"]
    old = case.consents.get()
    newer = consent_record(
        actor=world["worker"],
        code=case.code,
        given_by="Amaq Rudi",
        relation="paman",
        agencies=[world["dukcapil"]],
    )
    consent_withdraw(actor=world["worker"], code=case.code, consent_id=old.pk)
    r.refresh_from_db()
    assert r.status == "sent" and r.consent_id == newer.pk
    assert AuditEntry.objects.filter(action="referral.consent_rebased", object_id=str(r.pk)).exists()
    # Withdrawing that one too ends it.
    consent_withdraw(actor=world["worker"], code=case.code, consent_id=newer.pk)
    r.refresh_from_db()
    assert r.status == "withdrawn"


def test_a_consent_to_other_agencies_ends_only_their_referrals(shared):
    world = shared
    case = world["case"]
    dinsos_consent = consent_record(
        actor=world["worker"],
        code=case.code,
        given_by=CAREGIVER,
        relation="nenek",
        agencies=[world["dinsos"]],
    )
    pkh = referral_create(actor=world["worker"], code=case.code, agency=world["dinsos"], service=world["pkh"])
    consent_withdraw(actor=world["worker"], code=case.code, consent_id=dinsos_consent.pk)
    pkh.refresh_from_db()
    world["referral"].refresh_from_db()
    assert pkh.status == "withdrawn" and world["referral"].status == "sent"


def test_ended_referrals_are_not_touched(shared):
    world = shared
    r = world["referral"]
    referral_transition(
        actor=world["users"]["dukcapil_loteng_1"], referral_id=r.pk, action="decline", note="KK"
    )
    consent_withdraw(
        actor=world["worker"], code=world["case"].code, consent_id=world["case"].consents.get().pk
    )
    r.refresh_from_db()
    assert r.status == "declined" and not r.events.filter(action="consent_withdrawn").exists()


def test_a_draft_cannot_be_sent_after_the_withdrawal(shared):
    world = shared
    case = world["case"]
    from portal.agencies.models import Service

    draft = referral_create(
        actor=world["worker"],
        code=case.code,
        agency=world["dukcapil"],
        service=Service.objects.get(slug="kia"),
        note="x",
        send=False,
    )
    consent_withdraw(actor=world["worker"], code=case.code, consent_id=case.consents.get().pk)
    with pytest.raises(Conflict, match="consent"):
        referral_transition(actor=world["worker"], referral_id=draft.pk, action="send")
    assert Referral.objects.get(pk=draft.pk).status == "draft"


def test_every_history_action_fits_its_column():
    """SQLite does not enforce a CharField's length; PostgreSQL does (it refused consent_withdrawn once)."""
    from referrals.models import ReferralEvent
    from referrals.services import CONSENT_WITHDRAWN
    from referrals.transitions import TRANSITIONS

    limit = ReferralEvent._meta.get_field("action").max_length
    assert all(len(a) <= limit for a in [*TRANSITIONS, CONSENT_WITHDRAWN, "create", "overdue"])
