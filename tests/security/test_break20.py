"""Break-it probes of issue 20's features (triage, decline reasons, the thread's JSON, the facilitator's "needs
attention" actions, identity correction, the people pages), as the demo accounts and with hostile input.

Each test is one attack that was tried; the findings were fixed as a kind (docs/SECURITY.md, "Break-it round on
issue 20") and the ones that held stay as regression tests. The world is tests/security/conftest.py's: a child in
a dusun of Desa Jago, consent to Dukcapil, a referral sent to Dukcapil with a private message."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.core.idempotency import new_token
from tests.security.conftest import CHILD_NAME

pytestmark = pytest.mark.django_db

SECRET_NOTE = f"Ibu {CHILD_NAME} menolak, KK hilang"


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# --- 1. the decline note is the case team's only -----------------------------------------------------------


def _decline(world, token_for):
    liaison = world["users"]["dukcapil_loteng_1"]
    r = _client(liaison).post(
        f"/cases/referrals/{world['referral'].pk}/decline/",
        {"decline_category": "incomplete_documents", "note": SECRET_NOTE, "once_token": new_token()},
    )
    assert r.status_code == 302
    world["referral"].refresh_from_db()
    assert world["referral"].status == "declined"


@pytest.mark.parametrize("who", ["dukcapil_loteng_1", "dukcapil_loteng_2"])
def test_the_decline_note_reaches_no_liaison_on_any_surface(world, token_for, who):
    """The decline form says "only the case team reads it". The referral page hid it above the history, but the
    history (page and API), the API's `decline_reason` and the referral list showed it to the agency."""
    _decline(world, token_for)
    ref = world["referral"]
    user = world["users"][who]
    page = _client(user)
    api = Client()
    auth = {"HTTP_AUTHORIZATION": token_for(user)}
    answers = {
        "page": page.get(f"/cases/referrals/{ref.pk}/"),
        "inbox": page.get("/cases/inbox/?tab=all"),
        "notifications": page.get("/notifications/"),
        "api detail": api.get(f"/api/v1/referrals/{ref.pk}", **auth),
        "api list": api.get("/api/v1/referrals", **auth),
        "api notifications": api.get("/api/v1/notifications", **auth),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.status_code)
        assert "KK hilang" not in _text(response), name
    assert "Dokumen tidak lengkap" in _text(answers["page"])  # the category stays


def test_the_decline_note_stays_for_the_case_team_and_nowhere_else(world, token_for):
    _decline(world, token_for)
    ref = world["referral"]
    worker = world["worker"]
    assert "KK hilang" in _text(_client(worker).get(f"/cases/referrals/{ref.pk}/"))
    body = _text(Client().get(f"/api/v1/referrals/{ref.pk}", HTTP_AUTHORIZATION=token_for(worker)))
    assert "KK hilang" in body
    for message in mail.outbox:
        assert "KK hilang" not in message.subject + message.body
    coordinator = _client(world["users"]["koordinator_ntb"])
    for url in ("/dashboard/", "/dashboard/export.csv", "/dashboard/export.zip", "/dashboard/overdue/"):
        assert "KK hilang" not in _text(coordinator.get(url)), url
    # The forum's news of the decline (a system post in the case's threads) names the category at most.
    from forums.models import Post

    assert not Post.objects.filter(body__contains="KK hilang").exists()


# --- 2. the reminder to the agency is not a spam cannon --------------------------------------------------------


@pytest.fixture
def raised(world):
    from referrals.models import Referral

    r = world["referral"]
    past = timezone.now() - dt.timedelta(days=8)
    Referral.objects.filter(pk=r.pk).update(
        sent_at=past, due_at=past + dt.timedelta(days=3), overdue_raised_at=past + dt.timedelta(days=4)
    )
    return world


def test_reminding_the_agency_again_and_again_sends_one_reminder_a_day(raised):
    from portal.notifications.models import Notification
    from referrals.models import ReferralEvent

    r = raised["referral"]
    for name in ("fasilitator_praya", "koordinator_ntb"):  # two overseers, five presses each
        client = _client(raised["users"][name])
        for _ in range(5):
            response = client.post(f"/cases/attention/{r.pk}/remind/", {"once_token": new_token()})
            assert response.status_code == 302
    liaison = raised["users"]["dukcapil_loteng_1"]
    assert Notification.objects.filter(kind="referral.reminder", recipient=liaison).count() == 1
    assert ReferralEvent.objects.filter(referral=r, action="remind").count() == 1
    html = _text(client.get(f"/cases/attention/{r.pk}/"))
    assert "sudah diingatkan" in html  # says why nothing was sent, and when it can be sent again


def test_a_reminder_is_for_an_item_that_needs_attention_only(world):
    """A referral that is not overdue (its deadline is days away) is not the facilitator's to chase."""
    from portal.notifications.models import Notification

    r = world["referral"]
    client = _client(world["users"]["fasilitator_praya"])
    assert client.post(f"/cases/attention/{r.pk}/remind/", {"once_token": new_token()}).status_code == 302
    assert not Notification.objects.filter(kind="referral.reminder").exists()


# --- 3. a refusal on a page is a message, never a 500 -----------------------------------------------------------


def test_correcting_an_anonymised_case_is_refused_with_a_message(world):
    from referrals.models import AnonymisedCase, ChildCase

    case = world["case"]
    ChildCase.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    AnonymisedCase.objects.create(case=case, retention_days=1)
    client = _client(world["worker"])
    response = client.post(
        f"/cases/{case.code}/identity/",
        {
            "child_name": "Someone Else",
            "sex": "F",
            "birth_date": world["birth"].isoformat(),
            "nik": world["nik"],
            "caregiver_name": "X",
            "caregiver_relation": "nenek",
            "caregiver_phone": "",
            "address": "",
            "reason": "typo",
        },
    )
    assert response.status_code == 409, response.status_code
    assert "dianonimkan" in _text(response)


# --- 4. people pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "viewer,person,shown",
    [
        ("kader_jago", "fasilitator_jago", True),  # they share the Desa Jago forum
        ("kader_jago", "kader_jago", True),  # oneself
        ("kader_sukaraja", "kader_jago", False),  # no forum in common
        ("kader_sukaraja", "dukcapil_loteng_1", False),
        ("editor", "kader_jago", False),
        ("dinsos_loteng", "kader_sukaraja", False),
        ("kader_jago", "admin", False),
    ],
)
def test_a_person_page_is_for_people_who_share_a_forum(world, viewer, person, shown):
    """/forums/people/<username>/ answered every signed-in person for every active username: a list of every
    account (and its full name) by guessing usernames. It is for whom the person can be mentioned to."""
    users = world["users"]
    response = _client(users[viewer]).get(f"/forums/people/{person}/")
    missing = _client(users[viewer]).get("/forums/people/no_such_person_x/")
    if shown:
        assert response.status_code == 200
    else:
        assert response.status_code == 404

        # The very page of an unknown username (the path echoed in the header's links and the CSRF mask aside).
        def same(body, name):
            return re.sub(r'value="[A-Za-z0-9]{64}"', "", body.replace(name, "?"))

        assert same(_text(response), person) == same(_text(missing), "no_such_person_x")


def test_the_forum_people_list_is_for_its_readers_only(world, token_for):
    users = world["users"]
    outsider = users["kader_sukaraja"]
    assert _client(outsider).get("/forums/f/52.02.01.2013/people/").status_code == 404
    r = Client().get("/api/v1/forums/52.02.01.2013/people?q=", HTTP_AUTHORIZATION=token_for(outsider))
    assert r.status_code == 404


# --- 5. claims and bulk accept ----------------------------------------------------------------------------------


def test_a_claim_cannot_be_passed_to_someone_outside_the_agency(world):
    from referrals.models import Referral

    ref = world["referral"]
    client = _client(world["users"]["dukcapil_loteng_1"])
    for to in ("dinsos_loteng", "pendamping_jago", "admin", "", "x" * 200, "dukcapil_loteng_"):
        client.post(
            f"/cases/referrals/{ref.pk}/claim/", {"what": "pass", "to": to, "once_token": new_token()}
        )
        assert Referral.objects.get(pk=ref.pk).claimed_by_id is None, to


def test_bulk_accept_of_other_agencies_referrals_names_nothing(world):
    from referrals.models import Referral

    ref = world["referral"]
    other = _client(world["users"]["dinsos_loteng"])
    response = other.post(
        "/cases/inbox/accept/",
        {
            "referrals": [str(ref.pk), str(ref.pk), "-1", "0", "99999999999999999999", "abc"],
            "once_token": new_token(),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Referral.objects.get(pk=ref.pk).status == "sent"
    assert world["case"].code not in _text(response)


def test_thread_json_of_an_agency_the_person_left(world):
    from portal.agencies.services import agency_liaison_remove

    ref = world["referral"]
    liaison = world["users"]["dukcapil_loteng_2"]
    client = _client(liaison)
    assert client.get(f"/cases/referrals/{ref.pk}/messages.json").status_code == 200
    agency_liaison_remove(agency=world["dukcapil"], user=liaison)
    response = client.get(f"/cases/referrals/{ref.pk}/messages.json?after=0")
    assert response.status_code == 404
    assert CHILD_NAME not in _text(response)


@pytest.mark.parametrize("after", ["-1", "1e9", "%00", "9" * 40, "0x10", "1;drop", "", "٣"])
def test_thread_json_takes_hostile_after_values(world, after):
    client = _client(world["worker"])
    response = client.get(f"/cases/referrals/{world['referral'].pk}/messages.json?after={after}")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


# --- 6. the consent-first draft ------------------------------------------------------------------------------


def test_the_kept_referral_note_ends_with_the_session(world):
    """The note typed before the detour to the consent form is kept in the server-side session: logging out
    ends it; the next person on the phone does not get it back."""
    from portal.agencies.models import Service

    worker = world["worker"]
    client = _client(worker)
    case = world["case"]
    svc = Service.objects.get(slug="pkh")
    client.post(
        f"/cases/{case.code}/referrals/new/",
        {"service": svc.slug, "note": f"Draft about {CHILD_NAME}", "to_consent": "1"},
    )
    client.post("/accounts/logout/")
    client.force_login(worker)
    html = _text(client.get(f"/cases/{case.code}/referrals/new/?service={svc.slug}"))
    assert CHILD_NAME not in html.split("<main", 1)[-1].split("<h1", 1)[-1].split("</h1>", 1)[-1]


@pytest.mark.parametrize(
    "path,method,exc,status",
    [
        ("/cases/x/", "get", "conflict", 409),
        ("/cases/x/", "post", "conflict", 409),
        ("/forums/t/1/reply/", "post", "invalid", 422),
        ("/dashboard/", "get", "invalid", 422),
    ],
)
def test_a_refusal_no_page_view_caught_is_its_message_and_a_way_back(rf, path, method, exc, status):
    """The kind behind the anonymised-case 500: any page view that lets a service's Conflict or InvalidInput
    through. The error middleware answers it for every page (the API has its own handlers)."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from portal.core.errors import Conflict, InvalidInput
    from portal.core.middleware import PelitaErrorMiddleware

    request = getattr(rf, method)(path, HTTP_REFERER="https://evil.example/x")
    request.user = AnonymousUser()
    error = Conflict("Sudah berubah: muat ulang.") if exc == "conflict" else InvalidInput("Tulis alasannya.")
    with translation.override("id"):
        response = PelitaErrorMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == status
    body = response.content.decode()
    assert str(error.message) in body and "evil.example" not in body
    api = rf.get("/api/v1/cases")
    api.user = AnonymousUser()
    assert PelitaErrorMiddleware(lambda r: None).process_exception(api, error) is None


# --- 7. identity correction: who sees the new value, who sees the old one ---------------------------------------


def test_a_corrected_identity_reaches_the_open_referral_only_and_the_old_value_the_team_only(
    world, token_for
):
    from portal.agencies.models import Service
    from referrals.identity import case_correct_identity
    from referrals.services import consent_record, referral_create, referral_transition

    users, case, worker = world["users"], world["case"], world["worker"]
    referral_transition(
        actor=users["dukcapil_loteng_1"], referral_id=world["referral"].pk, action="decline", note="x"
    )
    dinsos = world["agencies"]["Dinas Sosial Kab. Lombok Tengah"]
    consent_record(actor=worker, code=case.code, given_by="X", relation="nenek", agencies=[dinsos])
    open_ref = referral_create(
        actor=worker, code=case.code, agency=dinsos, service=Service.objects.get(slug="pkh"), note="n"
    )
    case_correct_identity(
        actor=worker, code=case.code, values={"child_name": "Baiq Kirana Correctedname"}, reason="typo"
    )
    surfaces = {
        "case page": f"/cases/{case.code}/",
        "open referral": f"/cases/referrals/{open_ref.pk}/",
        "ended referral": f"/cases/referrals/{world['referral'].pk}/",
        "audit": f"/cases/{case.code}/audit/",
        "identity form": f"/cases/{case.code}/identity/",
    }

    def seen(username):
        client, out = _client(users[username]), {}
        for name, url in surfaces.items():
            out[name] = _text(client.get(url))
        api = Client()
        for name, url in {"api case": f"/api/v1/cases/{case.code}", "api list": "/api/v1/referrals"}.items():
            out[name] = _text(api.get(url, HTTP_AUTHORIZATION=token_for(users[username])))
        return out

    # The agency with an open referral: the corrected name, never the old one (the audit is the team's).
    for name, body in seen("dinsos_loteng").items():
        assert CHILD_NAME not in body, ("dinsos", name)
    assert "Correctedname" in seen("dinsos_loteng")["open referral"]
    # The agency whose referral ended: neither.
    for username in ("dukcapil_loteng_1", "dukcapil_loteng_2", "fasilitator_praya", "kader_jago"):
        for name, body in seen(username).items():
            assert CHILD_NAME not in body and "Correctedname" not in body, (username, name)
    # The case team: the old value in its audit trail.
    assert CHILD_NAME in seen("pendamping_jago")["audit"]


def test_a_mention_links_only_the_forums_readers(world):
    """Writing a username in a post linked it when the account existed: an oracle for every username. Only the
    forum's readers are mentioned now; any other name stays the text that was typed."""
    from forums.selectors import forum_get
    from forums.services import post_create, post_edit, thread_create

    users = world["users"]
    author = users["kader_jago"]
    forum = forum_get(user=author, code="52.02.01.2013")
    body = "Tolong @fasilitator_jago dan @dukcapil_loteng_1 dan @no_such_person_x dan @kader_sukaraja"
    thread = thread_create(forum=forum, author=author, title="Sebutan", body=body)
    reply = post_create(thread=thread, author=author, body=body)
    opening = thread.posts.order_by("number").first()
    for post in (opening, reply):
        html = post.body_html
        assert "/forums/people/fasilitator_jago/" in html
        for outsider in ("dukcapil_loteng_1", "no_such_person_x", "kader_sukaraja"):
            assert f"/forums/people/{outsider}/" not in html and f"@{outsider}" in html
    edited = post_edit(post=reply, editor=author, body=body + " lagi")
    assert "/forums/people/dukcapil_loteng_1/" not in edited.body_html


def test_an_abandoned_referral_note_leaves_the_session_store_within_the_hour(world, monkeypatch):
    """The detour's draft was kept for the session's weeks when the person never came back from the consent
    form: a note about a child in the session table and its backups, out of reach of anonymisation."""
    import time

    from django.contrib.sessions.backends.db import SessionStore

    from portal.agencies.models import Service
    from referrals import views_inbox

    client = _client(world["worker"])
    case = world["case"]
    svc = Service.objects.get(slug="pkh")
    client.post(
        f"/cases/{case.code}/referrals/new/",
        {"service": svc.slug, "note": f"Draft about {CHILD_NAME}", "to_consent": "1"},
    )
    key = client.session.session_key
    assert CHILD_NAME in str(SessionStore(session_key=key).load())
    later = time.time() + views_inbox.DRAFT_MAX_AGE + 1
    monkeypatch.setattr(views_inbox.time, "time", lambda: later)
    client.get("/cases/")  # any page of the app
    assert CHILD_NAME not in str(SessionStore(session_key=key).load())
    html = _text(client.get(f"/cases/{case.code}/referrals/new/?service={svc.slug}"))
    assert "Draft about" not in html
