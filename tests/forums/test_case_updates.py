"""Issue 20: the cadre hears what happened to what she raised. A thread is linked to a child's case by its code
(only by people who may see the case); when a referral on that case is accepted, declined, completed or closed, a
post by Pelita appears in the thread and in the thread it was escalated to, with the case code and the kind of
outcome, never the child's identity nor the outcome's text. The referrals app knows nothing of forums: it sends a
platform signal after the transition commits."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from forums import selectors, services
from forums.models import Post, PostKind, Thread
from portal.agencies.models import Service
from portal.core.errors import InvalidInput, NotFound
from portal.core.signals import referral_changed
from portal.notifications.models import Notification
from referrals.services import case_register, consent_record, referral_create, referral_transition

from .conftest import login

pytestmark = pytest.mark.django_db

CHILD = "Lalu Zulkarnain Rahasia"
NIK_OUTCOME = "5202-LT-2026-0012345"


@pytest.fixture
def linked(world):
    """Journey 1 and 2 joined: the cadre's dusun thread, escalated to Desa Jago, linked to the child's case."""
    u, f = world["users"], world["forums"]
    worker = u["pendamping_jago"]
    case = case_register(
        actor=worker,
        area=world["dusun"],
        child_name=CHILD,
        sex="M",
        birth_date=dt.date(2020, 5, 17),
        caregiver_name="Inaq Rumenah",
        caregiver_relation="nenek",
        parent_abroad="mother",
        destination_country="Malaysia",
        needs=list(Service.objects.filter(slug="akta-kelahiran")),
    )
    dukcapil = world["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"]
    consent_record(
        actor=worker, code=case.code, given_by="Inaq Rumenah", relation="nenek", agencies=[dukcapil]
    )
    dusun = services.thread_create(
        forum=f["dusun"], author=u["kader_jago"], title="Anak belum punya akta", body="Ibunya di Malaysia."
    )
    desa = services.thread_escalate(
        thread=dusun, actor=u["fasilitator_jago"], note="Mohon pendamping membantu."
    )
    services.thread_link_case(thread=desa, actor=worker, code=case.code)
    return {**world, "case": case, "dukcapil": dukcapil, "dusun": dusun, "desa": desa, "worker": worker}


def _refer(linked, service="akta-kelahiran", agency="Dinas Dukcapil Kab. Lombok Tengah", **kw):
    return referral_create(
        actor=linked["worker"],
        code=linked["case"].code,
        agency=linked["agencies"][agency],
        service=Service.objects.get(slug=service),
        note="Perlu akta",
        **kw,
    )


def _act(referral, user, action, **kw):
    return referral_transition(actor=user, referral_id=referral.pk, action=action, **kw)


def _system_texts(thread, language="id"):
    from django.utils import translation

    from forums.case_updates import system_text

    with translation.override(language):
        return [system_text(p.event) for p in Post.objects.filter(thread=thread, kind=PostKind.SYSTEM)]


def test_linking_propagates_along_the_escalation_chain(linked):
    for thread in (linked["dusun"], linked["desa"]):
        thread.refresh_from_db()
        assert thread.case_code == linked["case"].code and thread.kind == "case"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("pendamping_jago", True),  # the case team
        ("fasilitator_jago", True),  # overseer of the case's area
        ("kader_jago", False),  # a member: may not see the case
        ("kader_sukaraja", False),  # cannot even read the forum
    ],
)
def test_only_people_who_may_see_the_case_link_a_thread(linked, who, allowed):
    thread = services.thread_create(
        forum=linked["forums"]["desa"], author=linked["users"]["kader_jago"], title="Topik lain", body="isi"
    )
    user = linked["users"][who]
    if allowed:
        services.thread_link_case(thread=thread, actor=user, code=linked["case"].code)
        thread.refresh_from_db()
        assert thread.case_code == linked["case"].code
        services.thread_unlink_case(thread=thread, actor=user)
        thread.refresh_from_db()
        assert thread.case_code == "" and thread.kind == "discussion"
    else:
        with pytest.raises((InvalidInput, NotFound)):
            services.thread_link_case(thread=thread, actor=user, code=linked["case"].code)
        thread.refresh_from_db()
        assert thread.case_code == ""


@pytest.mark.parametrize(
    ("steps", "expected_id", "expected_en"),
    [
        (["accept"], "diterima oleh Dinas Dukcapil", "was accepted by Dinas Dukcapil"),
        (["accept", "start", "complete"], ": akta kelahiran terbit", ": birth certificate issued"),
        (["accept", "start", "close"], "ditutup tanpa hasil", "closed unresolved"),
        (["decline"], "ditolak oleh Dinas Dukcapil", "declined by Dinas Dukcapil"),
    ],
)
def test_referral_news_reaches_the_thread_and_the_escalated_one(
    linked, django_capture_on_commit_callbacks, steps, expected_id, expected_en
):
    referral = _refer(linked)
    liaison = linked["users"]["dukcapil_loteng_1"]
    for action in steps:
        with django_capture_on_commit_callbacks(execute=True):
            extra = {"outcome": NIK_OUTCOME} if action == "complete" else {}
            if action in ("close", "decline"):
                extra["note"] = f"Alasan menyebut {CHILD}"
            _act(referral, liaison, action, **extra)
    code = linked["case"].code
    for thread in (linked["dusun"], linked["desa"]):
        texts = _system_texts(thread)
        assert len(texts) == len([s for s in steps if s != "start"]), texts
        assert code in texts[-1] and expected_id in texts[-1]
        assert expected_en in _system_texts(thread, "en")[-1]
        for text in texts:  # never the child, the outcome's text nor a note
            assert CHILD not in text and NIK_OUTCOME not in text and "Alasan" not in text
        stored = Post.objects.filter(thread=thread, kind=PostKind.SYSTEM).last()
        assert stored.author is None and stored.body == "" and CHILD not in str(stored.event)
    # The cadre (she watches her thread) is told, by code, and the thread is unread for her again.
    note = Notification.objects.filter(recipient__username="kader_jago", kind="forum.case_update").first()
    assert note is not None and code in note.text and CHILD not in note.text
    kader = linked["users"]["kader_jago"]
    dusun_forum = linked["forums"]["dusun"]
    assert selectors.unread_counts(user=kader, forum_ids=[dusun_forum.pk])[dusun_forum.pk] == 1


def test_the_thread_page_shows_the_news_in_the_readers_language(linked, django_capture_on_commit_callbacks):
    referral = _refer(linked)
    with django_capture_on_commit_callbacks(execute=True):
        _act(referral, linked["users"]["dukcapil_loteng_1"], "accept")
    html = login(linked["users"]["kader_jago"]).get(reverse("forums:thread", args=[linked["dusun"].pk]))
    html = html.content.decode()
    assert (
        "Kabar kasus" in html and f"Rujukan kasus {linked['case'].code} untuk Akta kelahiran diterima" in html
    )
    assert CHILD not in html
    api = login(linked["users"]["kader_jago"]).get(f"/api/v1/threads/{linked['dusun'].pk}/posts").json()
    system = [p for p in api["results"] if p["kind"] == "system"]
    assert system and system[0]["author"] is None and linked["case"].code in system[0]["body"]


@pytest.mark.parametrize("action", ["start", "withdraw"])
def test_steps_that_are_not_news_post_nothing(linked, django_capture_on_commit_callbacks, action):
    referral = _refer(linked)
    if action == "start":
        with django_capture_on_commit_callbacks(execute=True):
            _act(referral, linked["users"]["dukcapil_loteng_1"], "accept")
        Post.objects.filter(kind=PostKind.SYSTEM).delete()
    with django_capture_on_commit_callbacks(execute=True):
        if action == "start":
            _act(referral, linked["users"]["dukcapil_loteng_1"], "start")
        else:
            _act(referral, linked["worker"], "withdraw", note="Salah kirim")
    assert not Post.objects.filter(kind=PostKind.SYSTEM).exists()


def test_child_protection_referrals_are_never_announced(linked, django_capture_on_commit_callbacks):
    referral = _refer(
        linked,
        service="perlindungan-anak",
        agency="UPTD PPA Kab. Lombok Tengah",
        urgency="urgent",
        consent_override_reason="Anak dalam bahaya",
    )
    liaison = next(iter(linked["agencies"]["UPTD PPA Kab. Lombok Tengah"].group.user_set.all()), None)
    if liaison is None:  # the platform demo has no PPA liaison: appoint one
        from tests.factories import make_user

        liaison = make_user("ppa_liaison")
        liaison.groups.add(linked["agencies"]["UPTD PPA Kab. Lombok Tengah"].group)
    with django_capture_on_commit_callbacks(execute=True):
        _act(referral, liaison, "accept")
    assert not Post.objects.filter(kind=PostKind.SYSTEM).exists()


def test_news_is_sent_only_after_the_transition_commits(linked, django_capture_on_commit_callbacks):
    referral = _refer(linked)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _act(referral, linked["users"]["dukcapil_loteng_1"], "accept")
    assert not Post.objects.filter(kind=PostKind.SYSTEM).exists()  # not before commit
    assert callbacks  # the announcement waits for the commit
    # A transition that is rolled back announces nothing.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _act(referral, linked["users"]["dukcapil_loteng_1"], "start")
        raise RuntimeError("rolled back")
    assert not Post.objects.filter(kind=PostKind.SYSTEM).exists()


def test_a_failing_listener_never_breaks_the_referral(linked, django_capture_on_commit_callbacks, caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("listener down")

    referral_changed.connect(broken, dispatch_uid="test-broken")
    try:
        referral = _refer(linked)
        with django_capture_on_commit_callbacks(execute=True):
            done = _act(referral, linked["users"]["dukcapil_loteng_1"], "accept")
    finally:
        referral_changed.disconnect(dispatch_uid="test-broken")
    assert done.status == "accepted"
    assert Post.objects.filter(kind=PostKind.SYSTEM).count() == 2  # forums' own listener still ran
    assert "referral_changed listener" in caplog.text


def test_case_page_lists_its_threads_for_those_who_may_see_both(linked):
    url = reverse("referrals:case_detail", args=[linked["case"].code])
    # The case worker reads the Desa Jago forum but not the dusun's: only the desa thread is listed for her.
    team = login(linked["worker"]).get(url).content.decode()
    assert "Topik forum tentang kasus ini" in team
    assert reverse("forums:thread", args=[linked["desa"].pk]) in team
    assert reverse("forums:thread", args=[linked["dusun"].pk]) not in team
    # The Kec. Praya facilitator sees the case (overseer) and reads both forums; a liaison sees the case only
    # while a referral is open, and reads no forum: no threads listed.
    praya = login(linked["users"]["fasilitator_praya"]).get(url).content.decode()
    assert reverse("forums:thread", args=[linked["desa"].pk]) in praya
    assert reverse("forums:thread", args=[linked["dusun"].pk]) in praya
    _refer(linked)
    liaison = login(linked["users"]["dukcapil_loteng_1"]).get(url)
    assert liaison.status_code == 200 and "Topik forum tentang kasus ini" not in liaison.content.decode()


def test_thread_page_links_to_the_case_only_for_those_who_may_see_it(linked):
    case_url = reverse("referrals:case_detail", args=[linked["case"].code])
    thread_url = reverse("forums:thread", args=[linked["desa"].pk])
    assert case_url in login(linked["worker"]).get(thread_url).content.decode()
    member = login(linked["users"]["kader_jago"]).get(thread_url).content.decode()
    assert case_url not in member and linked["case"].code in member
    assert "Tautkan topik ini ke kasus" not in member  # a cadre is not offered the link form


def test_link_form_and_api(linked, token_for):
    thread = services.thread_create(
        forum=linked["forums"]["desa"], author=linked["users"]["kader_jago"], title="Topik PIP", body="isi"
    )
    client = login(linked["worker"])
    page = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "Tautkan topik ini ke kasus" in page
    client.post(reverse("forums:thread_case", args=[thread.pk]), {"case": linked["case"].code.lower()})
    thread.refresh_from_db()
    assert thread.case_code == linked["case"].code
    resp = client.post(
        reverse("forums:thread_case", args=[thread.pk]), {"case": "APM-9999-00001"}, follow=True
    )
    assert "Tidak ada kasus yang dapat Anda lihat dengan kode APM-9999-00001." in resp.content.decode()
    auth = {"HTTP_AUTHORIZATION": token_for(linked["users"]["kader_jago"])}
    resp = client.delete(f"/api/v1/threads/{thread.pk}/case", **auth)
    assert resp.status_code == 422  # a cadre may not see the case
    resp = client.delete(f"/api/v1/threads/{thread.pk}/case", HTTP_AUTHORIZATION=token_for(linked["worker"]))
    assert resp.status_code == 200 and resp.json()["case"] is None
    assert Thread.objects.get(pk=thread.pk).case_code == ""
