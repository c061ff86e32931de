"""Issue 20: the agency inbox triage (filters, sorting, claims, one-step and bulk accept), decline reason
categories, withdrawal with a confirmation, the child's needs following a completed referral (with undo), the
private thread's JSON, and the kecamatan facilitator's actions on a "needs attention" item."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from portal.core.errors import Conflict, Forbidden, NotFound
from portal.notifications.models import Notification
from referrals import triage
from referrals.models import Referral, ReferralEvent, Status
from referrals.selectors import agency_inbox, needs_attention_for_area, referral_liaisons
from referrals.services import consent_record, referral_create, referral_message_post, referral_transition

from .conftest import CHILD_NAME

L1, L2 = "dukcapil_loteng_1", "dukcapil_loteng_2"


def _u(world, name):
    return world["users"][name]


def _referral(world, agency="dinsos", service="pkh"):
    if agency == "dinsos":
        consent_record(
            actor=world["worker"],
            code=world["case"].code,
            given_by="X",
            relation="nenek",
            agencies=[world[agency]],
        )
    return referral_create(
        actor=world["worker"], code=world["case"].code, agency=world[agency], service=world[service], note="n"
    )


# --- the inbox ---------------------------------------------------------------------------------------------


def test_inbox_shows_who_sent_where_and_by_when(sent, client):
    client.force_login(_u(sent, L1))
    html = client.get("/cases/inbox/").content.decode()
    r = sent["referral"]
    assert r.case.code in html
    assert "Siti Aminah" in html  # the sending case worker
    assert "Desa Jago" in html and "Kec." in html  # village and kecamatan
    assert "Biasa" in html  # urgency
    assert CHILD_NAME not in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", True),
        ("?kecamatan=52.02.01", True),
        ("?kecamatan=52.02.06", False),
        ("?overdue=on", False),
        ("?tab=all&service=akta-kelahiran&status=sent", True),
        ("?tab=all&service=kia", False),
        ("?sort=newest", True),
    ],
)
def test_inbox_filters_are_get_parameters(sent, client, query, shown):
    client.force_login(_u(sent, L1))
    response = client.get("/cases/inbox/" + query)
    assert response.status_code == 200
    assert (sent["referral"].case.code in response.content.decode()) is shown


@pytest.mark.parametrize(
    ("query", "is_open", "summary"),
    [
        ("", False, []),
        ("?tab=all", False, []),
        ("?sort=deadline", False, []),
        ("?service=akta-kelahiran", True, ["Akta kelahiran"]),
        ("?kecamatan=52.02.01&overdue=on", True, ["Praya", "Hanya yang terlambat"]),
        ("?sort=newest", True, ["Terbaru dulu"]),
        ("?service=no-such-service", False, []),
    ],
)
def test_inbox_filters_fold_into_saring_open_when_one_is_on(sent, client, query, is_open, summary):
    """On a phone the filter form is a <details> "Saring" (no JavaScript needed): closed with no filter, open
    with one, its summary naming the filters in force, and a link to clear them."""
    import re

    client.force_login(_u(sent, L1))
    html = client.get("/cases/inbox/" + query).content.decode()
    fold = re.search(r"<details class=\"filters-fold\"( open)?>\s*<summary>(.*?)</summary>", html, re.S)
    assert fold, html[:3000]
    assert bool(fold.group(1)) is is_open
    assert "Saring" in fold.group(2)
    for word in summary:
        assert word in fold.group(2)
    assert ("Hapus saringan" in html) is is_open
    assert '<form method="get" class="filters"' in html.split("<details", 1)[1]


def test_inbox_sorts_by_deadline_by_default(sent):
    r1 = sent["referral"]
    Referral.objects.filter(pk=r1.pk).update(due_at=timezone.now() + dt.timedelta(days=5))
    # A second referral of the agency (a copy of the row), due sooner.
    r2 = Referral.objects.get(pk=r1.pk)
    r2.pk = None
    r2.due_at = timezone.now() + dt.timedelta(days=1)
    r2.save()
    rows = list(agency_inbox(user=_u(sent, L1), tab="new"))
    assert [r.pk for r in rows] == [r2.pk, r1.pk]
    rows = list(agency_inbox(user=_u(sent, L1), tab="new", sort="newest"))
    assert rows[0].pk == r2.pk  # created last, same sent_at: highest pk first


# --- claims ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("claimed_first", [None, L2])
def test_the_liaison_who_accepts_handles_it_unless_a_colleague_claimed_it(sent, claimed_first):
    """An accepted referral never says "nobody handles it" (the journeys at 360 px read it as a contradiction):
    accepting claims it for the liaison who accepted, unless a colleague had claimed it."""
    r = sent["referral"]
    if claimed_first:
        triage.referral_claim(actor=_u(sent, claimed_first), referral_id=r.pk)
    referral_transition(actor=_u(sent, L1), referral_id=r.pk, action="accept")
    r.refresh_from_db()
    assert r.status == Status.ACCEPTED
    assert r.claimed_by == _u(sent, claimed_first or L1)
    assert r.claimed_at is not None
    # The colleague hears that it was accepted (it is taken now) unless it was already theirs to handle.
    told = set(
        Notification.objects.filter(kind="referral.accepted").values_list("recipient__username", flat=True)
    )
    assert L2 in told


def test_claim_limits_the_agency_notifications_to_the_handler(sent):
    r = sent["referral"]
    l1, l2 = _u(sent, L1), _u(sent, L2)
    assert set(referral_liaisons(referral=r)) == {l1, l2}
    triage.referral_claim(actor=l1, referral_id=r.pk)
    triage.referral_claim(actor=l1, referral_id=r.pk)  # again: nothing changes
    r.refresh_from_db()
    assert r.claimed_by == l1
    assert ReferralEvent.objects.filter(referral=r, action="claim").count() == 1
    assert list(referral_liaisons(referral=r)) == [l1]
    Notification.objects.all().delete()
    referral_message_post(actor=sent["worker"], referral_id=r.pk, body="Mohon dicek")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {L1}
    with pytest.raises(Conflict):
        triage.referral_claim(actor=l2, referral_id=r.pk)
    # Passed on: l2 handles it and is told (without the child's name).
    triage.referral_pass_on(actor=l1, referral_id=r.pk, username=L2)
    r.refresh_from_db()
    assert r.claimed_by == l2
    note = Notification.objects.get(kind="referral.claim_passed")
    assert note.recipient == l2 and r.case.code in note.text and CHILD_NAME not in note.text
    triage.referral_release(actor=l1, referral_id=r.pk)
    r.refresh_from_db()
    assert r.claimed_by is None and set(referral_liaisons(referral=r)) == {l1, l2}
    assert list(ReferralEvent.objects.filter(referral=r).values_list("action", flat=True)) == [
        "send",
        "claim",
        "pass_on",
        "release",
    ]


@pytest.mark.parametrize("who", ["pendamping_jago", "dinsos_loteng", "fasilitator_praya"])
def test_only_the_agency_claims(sent, who):
    with pytest.raises((Forbidden, NotFound)):
        triage.referral_claim(actor=_u(sent, who), referral_id=sent["referral"].pk)


def test_claim_page_shows_the_handler_to_colleagues(sent, client):
    r = sent["referral"]
    client.force_login(_u(sent, L1))
    from portal.core.idempotency import new_token

    response = client.post(f"/cases/referrals/{r.pk}/claim/", {"what": "claim", "once_token": new_token()})
    assert response.status_code == 302
    client.force_login(_u(sent, L2))
    html = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert "Ni Made Sari" in html and "menangani rujukan ini" in html
    assert "handled by" not in html
    assert "Ni Made Sari" in client.get("/cases/inbox/").content.decode()


# --- accepting -----------------------------------------------------------------------------------------------


def test_accept_and_start_in_one_action_when_the_agency_wants_it(sent):
    r = sent["referral"]
    with pytest.raises(Conflict):
        triage.referral_accept_and_start(actor=_u(sent, L1), referral_id=r.pk)
    sent["dukcapil"].accept_starts_work = True
    sent["dukcapil"].save()
    r = triage.referral_accept_and_start(actor=_u(sent, L1), referral_id=r.pk)
    assert r.status == Status.IN_PROGRESS and r.accepted_at and r.started_at
    assert list(r.events.values_list("action", flat=True)) == ["send", "accept", "start"]
    assert r.claimed_by == _u(sent, L1)


def test_bulk_accept_checks_each_referral(sent, client):
    r1 = sent["referral"]
    r2 = _referral(sent)  # to Dinas Sosial: not this liaison's agency
    from portal.core.idempotency import new_token

    client.force_login(_u(sent, L1))
    response = client.post(
        "/cases/inbox/accept/", {"referrals": [r1.pk, r2.pk, 999999], "once_token": new_token()}, follow=True
    )
    html = response.content.decode()
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert r1.status == Status.ACCEPTED and r2.status == Status.SENT
    assert "Diterima 1 rujukan" in html and r1.case.code in html
    assert "tidak diterima" in html


# --- decline and withdraw ----------------------------------------------------------------------------------------


def test_decline_reason_category_and_a_team_only_note(sent, client):
    from portal.core.idempotency import new_token

    r = sent["referral"]
    client.force_login(_u(sent, L1))
    response = client.post(f"/cases/referrals/{r.pk}/decline/", {"note": "x", "once_token": new_token()})
    r.refresh_from_db()
    assert r.status == Status.SENT  # no category: refused
    client.post(
        f"/cases/referrals/{r.pk}/decline/",
        {
            "decline_category": "incomplete_documents",
            "note": "KK Ibu Secret belum ada",
            "once_token": new_token(),
        },
    )
    r.refresh_from_db()
    assert r.status == Status.DECLINED and r.decline_category == "incomplete_documents"
    assert response.status_code == 422  # the page again, the form open (h7: a redirect lost the note)
    html = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert (
        "Dokumen tidak lengkap" in html and "KK Ibu Secret belum ada" not in html
    )  # history too (break-it 20)
    client.force_login(sent["worker"])
    html = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert "Dokumen tidak lengkap" in html and "KK Ibu Secret belum ada" in html


def test_withdraw_asks_for_confirmation_and_a_reason(sent, client):
    from portal.core.idempotency import new_token

    r = sent["referral"]
    client.force_login(sent["worker"])
    for data in ({"note": "Salah kirim"}, {"confirm": "on"}, {"note": "", "confirm": "on"}):
        client.post(f"/cases/referrals/{r.pk}/withdraw/", {**data, "once_token": new_token()})
        r.refresh_from_db()
        assert r.status == Status.SENT
    client.post(
        f"/cases/referrals/{r.pk}/withdraw/",
        {"note": "Salah kirim", "confirm": "on", "once_token": new_token()},
    )
    r.refresh_from_db()
    assert r.status == Status.WITHDRAWN and r.withdraw_reason == "Salah kirim"


@pytest.mark.parametrize(
    "who, action, data, kept, message",
    [
        (
            "liaison",
            "decline",
            {"note": "Ibu <b>Wati</b> 😀 \u202e"},
            "Ibu &lt;b&gt;Wati&lt;/b&gt; 😀 \u202e",
            "Pilih alasan penolakan dari daftar.",
        ),
        (
            "worker",
            "withdraw",
            {"note": "Salah kirim ke Dukcapil"},
            "Salah kirim ke Dukcapil",
            "Centang kotak untuk memastikan rujukan ini ditarik.",
        ),
        ("worker", "withdraw", {"confirm": "on"}, "checked", "Tulis alasan rujukan ini ditarik."),
    ],
)
def test_a_refused_decline_or_withdrawal_keeps_what_was_typed(sent, client, who, action, data, kept, message):
    """h7: the refusal was a redirect with a message at the top: the note typed on a phone was gone."""
    from portal.core.idempotency import new_token

    r = sent["referral"]
    client.force_login(_u(sent, L1) if who == "liaison" else sent["worker"])
    response = client.post(f"/cases/referrals/{r.pk}/{action}/", {**data, "once_token": new_token()})
    r.refresh_from_db()
    assert r.status == Status.SENT
    assert response.status_code == 422
    html = response.content.decode()
    form = html.split(f'id="action-{action}"', 1)[1].split("</details>", 1)[0]
    assert form.startswith(" open>") and message in form and kept in form
    assert "<b>Wati</b>" not in html


# --- needs follow --------------------------------------------------------------------------------------------


def _complete(world, r):
    liaison = _u(world, L1)
    for action in ("accept", "start"):
        referral_transition(actor=liaison, referral_id=r.pk, action=action)
    return referral_transition(actor=liaison, referral_id=r.pk, action="complete", outcome="Akta 123")


def test_completed_referral_meets_the_need_and_can_be_undone(sent, client):
    case, r = sent["case"], sent["referral"]
    assert case.needs.filter(slug="akta-kelahiran").exists()
    r = _complete(sent, r)
    assert r.need_met_at is not None
    assert not case.needs.filter(slug="akta-kelahiran").exists()
    assert case.needs.filter(slug="pkh").exists()
    from portal.core.idempotency import new_token

    client.force_login(_u(sent, L1))
    client.post(f"/cases/referrals/{r.pk}/need-undo/", {"once_token": new_token()})
    assert not case.needs.filter(slug="akta-kelahiran").exists()  # not the agency's to undo
    client.force_login(sent["worker"])
    html = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert "Batalkan" in html or "Urungkan" in html
    client.post(f"/cases/referrals/{r.pk}/need-undo/", {"once_token": new_token()})
    assert case.needs.filter(slug="akta-kelahiran").exists()
    r.refresh_from_db()
    assert r.need_met_at is None
    from portal.audit.models import AuditEntry

    assert list(
        AuditEntry.objects.filter(action__startswith="case.need_")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["case.need_met", "case.need_restored"]


# --- the private thread --------------------------------------------------------------------------------------


def test_thread_json_gives_new_messages_to_both_sides_only(sent, client):
    r = sent["referral"]
    m1 = referral_message_post(actor=sent["worker"], referral_id=r.pk, body="Satu")
    referral_message_post(actor=_u(sent, L1), referral_id=r.pk, body="Dua")
    url = f"/cases/referrals/{r.pk}/messages.json"
    client.force_login(_u(sent, L2))
    data = client.get(f"{url}?after={m1.pk}").json()
    assert [m["body"] for m in data["messages"]] == ["Dua"]
    assert client.get(url)["Cache-Control"].startswith("no-store")
    for who in ("dinsos_loteng", "fasilitator_praya", "kader_jago"):
        client.force_login(_u(sent, who))
        assert client.get(url).status_code == 404


# --- the kecamatan facilitator -------------------------------------------------------------------------------


@pytest.fixture
def raised(sent):
    r = sent["referral"]
    past = timezone.now() - dt.timedelta(days=8)
    Referral.objects.filter(pk=r.pk).update(
        sent_at=past, due_at=past + dt.timedelta(days=3), overdue_raised_at=past + dt.timedelta(days=4)
    )
    return sent


def test_a_note_typed_before_remind_the_agency_is_pressed_comes_back_as_typed(raised, client):
    """Found by the 360 px break-it pass (issue 20): the two actions were two forms, so a "handled" note typed
    and then "Remind the agency" pressed was lost. The reminder now sends the note's form (formaction)."""
    from portal.core.idempotency import new_token

    r = raised["referral"]
    client.force_login(_u(raised, "fasilitator_praya"))
    html = client.get(f"/cases/attention/{r.pk}/").content.decode()
    assert (
        'form="attention-handled"' in html and 'id="attention-handled"' in html and "formnovalidate" in html
    )
    typed = "Sudah ditelepon <Pak> Kades & dijadwalkan"
    response = client.post(f"/cases/attention/{r.pk}/remind/", {"once_token": new_token(), "note": typed})
    assert response.status_code == 200
    assert Notification.objects.filter(kind="referral.reminder").exists()
    page = response.content.decode()
    assert "Sudah ditelepon &lt;Pak&gt; Kades &amp; dijadwalkan</textarea>" in page
    assert "diingatkan" in page  # the reminder's own message is shown with it
    # Without a note, back to the page as before (a reload does not remind again).
    later = client.post(f"/cases/attention/{r.pk}/remind/", {"once_token": new_token()})
    assert later.status_code == 302


def test_attention_item_names_code_agency_and_wait(raised):
    [item] = needs_attention_for_area(area=raised["areas"]["52.02.01"])
    r = raised["referral"]
    assert item["code"] == r.case.code and item["agency"] == "Dinas Dukcapil Kab. Lombok Tengah"
    assert item["days_waiting"] == 8 and item["url"] == f"/cases/attention/{r.pk}/"


def test_facilitator_reminds_and_marks_handled(raised, client):
    from portal.core.idempotency import new_token

    r = raised["referral"]
    client.force_login(_u(raised, "fasilitator_praya"))
    html = client.get(f"/cases/attention/{r.pk}/").content.decode()
    assert r.case.code in html and "Dinas Dukcapil" in html and CHILD_NAME not in html
    assert "/forums/f/52.02.01/" in html  # back to the forum it came from
    assert f"/forums/f/52.02.01/new/?case={r.case.code}" in html
    client.post(f"/cases/attention/{r.pk}/remind/", {"once_token": new_token()})
    notes = Notification.objects.filter(kind="referral.reminder")
    assert set(notes.values_list("recipient__username", flat=True)) == {L1, L2}
    assert all(CHILD_NAME not in n.text for n in notes)
    assert ReferralEvent.objects.filter(referral=r, action="remind").exists()
    # Handled needs a note; a refused one comes back as typed, with the reason at the field.
    for typed, why in (
        ("   ", "Tulis apa yang sudah dilakukan"),
        ("<b>x</b>" * 200, "1000"),
    ):
        response = client.post(
            f"/cases/attention/{r.pk}/handled/", {"note": typed, "once_token": new_token()}
        )
        assert response.status_code == 422
        page = response.content.decode()
        assert 'id="handled-note-error"' in page and why in page
        assert escape(typed) in page and "<b>x</b>" not in page
    assert needs_attention_for_area(area=raised["areas"]["52.02.01"])
    response = client.post(
        f"/cases/attention/{r.pk}/handled/", {"note": "Sudah ditelepon", "once_token": new_token()}
    )
    assert response.status_code == 302 and response["Location"] == "/forums/f/52.02.01/"
    assert needs_attention_for_area(area=raised["areas"]["52.02.01"]) == []
    assert ReferralEvent.objects.get(referral=r, action="attention_handled").note == "Sudah ditelepon"


@pytest.mark.parametrize("who", [L1, "pendamping_sukaraja", "kader_jago", "dinsos_loteng"])
def test_attention_is_for_the_overseers_only(raised, client, who):
    from portal.core.idempotency import new_token

    r = raised["referral"]
    client.force_login(_u(raised, who))
    assert client.get(f"/cases/attention/{r.pk}/").status_code == 404
    assert client.post(f"/cases/attention/{r.pk}/remind/", {"once_token": new_token()}).status_code == 404
    assert not Notification.objects.filter(kind="referral.reminder").exists()


# --- consent first -------------------------------------------------------------------------------------------


def test_referral_form_checks_consent_first_and_keeps_the_note(jago, client):
    from portal.core.idempotency import new_token

    code = jago["case"].code
    client.force_login(jago["worker"])
    url = f"/cases/{code}/referrals/new/?service=pkh"  # Dinas Sosial: no consent yet
    html = client.get(url).content.decode()
    assert "Belum ada persetujuan pengasuh" in html and 'name="to_consent"' in html
    assert html.index("Belum ada persetujuan") < html.index('name="note"')
    response = client.post(
        url,
        {"service": "pkh", "agency": str(jago["dinsos"].pk), "note": "Butuh PKH segera", "to_consent": "1"},
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{code}/consents/new/"
    client.post(
        f"/cases/{code}/consents/new/",
        {
            "given_by": "Inaq",
            "relation": "nenek",
            "given_on": dt.date.today().isoformat(),
            "agencies": [str(jago["dinsos"].pk)],
            "once_token": new_token(),
        },
    )
    html = client.get(url).content.decode()
    assert "Butuh PKH segera" in html and "Belum ada persetujuan" not in html
    assert "Butuh PKH segera" not in client.get(url).content.decode()  # kept once, then forgotten


def test_case_page_puts_consent_before_referring(jago, client):
    client.force_login(jago["worker"])
    from referrals.models import Consent

    code = jago["case"].code
    html = client.get(f"/cases/{code}/").content.decode()
    part = html[html.index('class="case-next"') :].split("</p>")[0]
    assert "Rujuk ke lembaga" in part and "Catat persetujuan" not in part  # consent in force: refer
    Consent.objects.filter(case=jago["case"]).update(withdrawn_at=timezone.now())
    html = client.get(f"/cases/{code}/").content.decode()
    part = html[html.index('class="case-next"') :].split("</p>")[0]
    assert part.index("Catat persetujuan") < part.index("Rujuk ke lembaga")


def test_a_double_submit_changes_nothing_twice(sent, client):
    """OnceForm: the same token sent again gets the first answer (the bulk accept, the reminder)."""
    from portal.core.idempotency import new_token

    r = sent["referral"]
    client.force_login(_u(sent, L1))
    token = new_token()
    first = client.post("/cases/inbox/accept/", {"referrals": [r.pk], "once_token": token})
    again = client.post("/cases/inbox/accept/", {"referrals": [r.pk], "once_token": token}, follow=True)
    assert first.status_code == 302
    assert "tidak diterima" not in again.content.decode()  # not tried a second time
    assert ReferralEvent.objects.filter(referral=r, action="accept").count() == 1


def test_api_decline_takes_a_category(sent, api_client, token_for):
    r = sent["referral"]
    auth = {"HTTP_AUTHORIZATION": token_for(_u(sent, L1))}
    url = f"/api/v1/referrals/{r.pk}/transitions"
    bad = api_client.post(
        url,
        {"action": "decline", "note": "x", "decline_category": "nope"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "decline_category" in bad.json()["errors"]
    ok = api_client.post(
        url,
        {"action": "decline", "note": "Bukan wilayah", "decline_category": "wrong_area"},
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["decline_category"] == "wrong_area"


def test_the_facilitators_thread_about_it_is_linked_to_the_case(raised, client):
    """The attention page's "start a forum thread about it" opens the kecamatan forum's form with the case code,
    which the facilitator (who may see the case) keeps; the thread is linked to the case. A cadre who types a
    case code into the address gets no case field at all."""
    from forums.models import Thread
    from portal.core.idempotency import new_token

    r = raised["referral"]
    code = r.case.code
    client.force_login(_u(raised, "fasilitator_praya"))
    form = client.get(f"/forums/f/52.02.01/new/?case={code}").content.decode()
    assert 'name="case"' in form and f'value="{code}"' in form
    response = client.post(
        "/forums/f/52.02.01/new/",
        {
            "title": "Rujukan akta terlambat",
            "body": "Mohon dibahas di rapat kecamatan.",
            "kind": "case",
            "case": code,
            "once_token": new_token(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Thread.objects.get(title="Rujukan akta terlambat").case_code == code
    client.force_login(_u(raised, "kader_jago"))
    form = client.get(f"/forums/f/52.02.01.2013/new/?case={code}").content.decode()
    assert 'name="case"' not in form


# --- linking an existing forum thread from the "needs attention" page ----------------------------------------


def _kec_threads(world):
    """Two open threads of the Kec. Praya forum; the forum of Kec. Praya Timur (the facilitator of Praya cannot
    read it)."""
    from forums.services import forum_ensure, thread_create

    praya = forum_ensure(area=world["areas"]["52.02.01"])
    author = _u(world, "fasilitator_praya")
    a = thread_create(forum=praya, author=author, title="Rapat bulanan kecamatan", body="Agenda rapat.")
    b = thread_create(forum=praya, author=author, title="Akta kelahiran yang terlambat", body="Daftar.")
    from portal.areas.models import Area

    other = forum_ensure(area=Area.objects.get(code="52.02.06"))
    return a, b, other


def test_the_attention_page_offers_to_link_an_open_thread_of_the_kecamatan_forum(raised, client):
    a, b, _other = _kec_threads(raised)
    r = raised["referral"]
    client.force_login(_u(raised, "fasilitator_praya"))
    html = client.get(f"/cases/attention/{r.pk}/").content.decode()
    assert 'id="attention-threads"' in html and 'action="/forums/f/52.02.01/link-case/"' in html
    assert f'value="{a.pk}"' in html and "Rapat bulanan kecamatan" in html
    assert 'name="number"' in html and f'name="case" value="{r.case.code}"' in html
    form = html.split('action="/forums/f/52.02.01/link-case/"')[1].split("</form>")[0]
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]{32,}"', form)  # a panel's own context has it
    assert "Belum ada topik forum yang ditautkan" in html
    assert CHILD_NAME not in html


def test_a_right_to_left_override_in_the_title_does_not_turn_the_case_code_around(raised, client):
    """h7 (break-it 20): a title with U+202E turned the rest of the message around: the facilitator read the
    case code backwards. The title is a bidi isolate (U+2068 … U+2069) inside the message."""
    from forums.models import Thread

    a, b, _other = _kec_threads(raised)
    Thread.objects.filter(pk=b.pk).update(title="Rapat \u202eterbalik")
    r = raised["referral"]
    client.force_login(_u(raised, "fasilitator_praya"))
    response = client.post(
        "/forums/f/52.02.01/link-case/",
        {"thread": b.pk, "case": r.case.code, "next": f"/cases/attention/{r.pk}/"},
        follow=True,
    )
    assert (
        f"“\u2068Rapat \u202eterbalik\u2069” ditautkan ke kasus {r.case.code}." in response.content.decode()
    )


@pytest.mark.parametrize(
    ("how", "linked", "message"),
    [
        ("radio", True, "ditautkan ke kasus"),
        ("number", True, "ditautkan ke kasus"),
        ("hash", True, "ditautkan ke kasus"),
        ("address", True, "ditautkan ke kasus"),
        ("nothing", False, "Pilih topik, atau ketik nomornya"),
        ("garbage", False, "Pilih topik, atau ketik nomornya"),
        ("unknown", False, "Tidak ada topik"),
    ],
)
def test_linking_an_existing_thread_by_choice_or_number(raised, client, how, linked, message):
    from forums.models import Thread
    from portal.audit.models import AuditEntry

    a, b, _other = _kec_threads(raised)
    r = raised["referral"]
    code = r.case.code
    back = f"/cases/attention/{r.pk}/"
    data = {
        "radio": {"thread": b.pk},
        "number": {"number": str(b.pk), "thread": a.pk},  # the typed number wins over the choice
        "hash": {"number": f"#{b.pk}"},
        "address": {"number": f"http://testserver/forums/t/{b.pk}/"},
        "nothing": {},
        "garbage": {"number": "satu"},
        "unknown": {"number": "999999"},
    }[how]
    client.force_login(_u(raised, "fasilitator_praya"))
    response = client.post("/forums/f/52.02.01/link-case/", {**data, "case": code, "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert message in response.content.decode()
    b.refresh_from_db()
    assert (b.case_code == code) is linked
    assert Thread.objects.get(pk=a.pk).case_code == ""
    assert AuditEntry.objects.filter(action="forum.thread_link_case", case_code=code).exists() is linked
    if linked:  # the page lists it now, and no longer among the threads to link
        html = response.content.decode()
        listed = html.split('id="attention-threads"')[1]
        assert f'href="/forums/t/{b.pk}/"' in listed and f'value="{b.pk}"' not in listed


@pytest.mark.parametrize(
    ("who", "forum", "refused"),
    [
        ("kader_jago", "52.02.01.2013", "kasus"),  # a cadre may not see the case: the service refuses
        ("fasilitator_praya", "52.02.06", None),  # a forum the facilitator cannot read: 404
    ],
)
def test_linking_is_only_for_who_may_see_the_case_and_the_thread(raised, client, who, forum, refused):
    from forums.models import Thread
    from forums.services import forum_ensure
    from portal.areas.models import Area

    r = raised["referral"]
    area = Area.objects.get(code=forum)
    f = forum_ensure(area=area)
    author = _u(raised, "kader_jago") if forum.startswith("52.02.01") else _u(raised, "fasilitator_praya")
    t = Thread.objects.create(forum=f, title="Topik lain", author=author, last_post_at=timezone.now())
    client.force_login(_u(raised, who))
    response = client.post(
        f"/forums/f/{forum}/link-case/",
        {"thread": t.pk, "case": r.case.code, "next": "https://evil.example/"},
    )
    t.refresh_from_db()
    assert t.case_code == ""
    if refused is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and response["Location"] == f"/forums/f/{forum}/"  # never away
