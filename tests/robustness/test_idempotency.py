"""Nothing typed is stored twice (issue 18.3; portal.core.idempotency): every form that creates something carries
a one-time token and a repeated submit returns the first result; every API POST honours `Idempotency-Key`.
Concurrent identical submits run in real threads on real connections, on SQLite and on PostgreSQL."""

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from forums.models import Post, Thread
from forums.services import forum_ensure, thread_create
from portal.areas.models import Area
from portal.core.idempotency import FORM_FIELD, HEADER, purge
from portal.core.models import IdempotencyRecord
from referrals.models import ChildCase, Consent, Referral, ReferralMessage
from tests.factories import TEST_PASSWORD
from tests.referrals.conftest import birth

HAMLET_VILLAGE = "52.02.01.2013"


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def once_token(html: str) -> str:
    match = re.search(rf'name="{FORM_FIELD}" value="([0-9a-f]+)"', html)
    assert match, "the form carries no one-time token"
    return match.group(1)


def case_data(ctx, name="Baiq Dua Kali"):
    return {
        "area": ctx["demo"]["hamlets"][HAMLET_VILLAGE][0].code,
        "child_name": name,
        "sex": "F",
        "birth_date": birth(5).isoformat(),
        "caregiver_name": "Inaq Sahnun",
        "caregiver_relation": "nenek",
        "parent_abroad": "mother",
        "destination_country": "Malaysia",
    }


@dataclass
class CreatingForm:
    """One page form that creates something: who fills it, the page that shows it, where it is sent, what is
    sent, and how many of what it creates exist."""

    name: str
    user: str
    page: Callable
    action: Callable
    data: Callable
    count: Callable


def _thread(ctx):
    if "thread" not in ctx:
        ctx["thread"] = thread_create(
            forum=forum_ensure(area=ctx["demo"]["hamlets"][HAMLET_VILLAGE][0]),
            author=ctx["demo"]["users"]["kader_jago"],
            title="Akta kelahiran anak",
            body="Ibunya di Malaysia, siapa bisa bantu?",
        )
    return ctx["thread"]


def _referral(ctx):
    from referrals.services import referral_create

    if "referral" not in ctx:
        ctx["referral"] = referral_create(
            actor=ctx["worker"],
            code=ctx["case"].code,
            agency=ctx["dukcapil"],
            service=ctx["akta"],
            note="Akta",
        )
    return ctx["referral"]


CREATING_FORMS = [
    CreatingForm(
        "case registration (Daftarkan)",
        "pendamping_jago",
        page=lambda c: reverse("referrals:case_create"),
        action=lambda c: reverse("referrals:case_create"),
        data=case_data,
        count=lambda c: ChildCase.objects.count(),
    ),
    CreatingForm(
        "consent",
        "pendamping_jago",
        page=lambda c: reverse("referrals:consent_create", args=[c["case"].code]),
        action=lambda c: reverse("referrals:consent_create", args=[c["case"].code]),
        data=lambda c: {
            "given_by": "Inaq Rumenah",
            "relation": "nenek",
            "given_on": c["case"].created_at.date().isoformat(),
            "agencies": [str(c["dinsos"].pk)],
        },
        count=lambda c: Consent.objects.count(),
    ),
    CreatingForm(
        "referral",
        "pendamping_jago",
        page=lambda c: (
            reverse("referrals:referral_create", args=[c["case"].code]) + "?service=akta-kelahiran"
        ),
        action=lambda c: reverse("referrals:referral_create", args=[c["case"].code]),
        data=lambda c: {
            "service": "akta-kelahiran",
            "agency": str(c["dukcapil"].pk),
            "urgency": "routine",
            "note": "Belum punya akta kelahiran.",
        },
        count=lambda c: Referral.objects.count(),
    ),
    CreatingForm(
        "referral message",
        "pendamping_jago",
        page=lambda c: reverse("referrals:referral_detail", args=[_referral(c).pk]),
        action=lambda c: reverse("referrals:referral_message", args=[_referral(c).pk]),
        data=lambda c: {"body": "Dokumen KK sudah kami kirim."},
        count=lambda c: ReferralMessage.objects.count(),
    ),
    CreatingForm(
        "thread",
        "kader_jago",
        page=lambda c: reverse("forums:thread_new", args=[c["demo"]["hamlets"][HAMLET_VILLAGE][0].code]),
        action=lambda c: reverse("forums:thread_new", args=[c["demo"]["hamlets"][HAMLET_VILLAGE][0].code]),
        data=lambda c: {"title": "Posyandu bulan ini", "body": "Jadwal posyandu?", "kind": "discussion"},
        count=lambda c: Thread.objects.count(),
    ),
    CreatingForm(
        "post (reply)",
        "kader_jago",
        page=lambda c: reverse("forums:reply", args=[_thread(c).pk]),
        action=lambda c: reverse("forums:reply", args=[_thread(c).pk]),
        data=lambda c: {"body": "Saya bisa bantu ke Dukcapil."},
        count=lambda c: Post.objects.count(),
    ),
    CreatingForm(
        "escalation",
        "fasilitator_jago",
        page=lambda c: reverse("forums:escalate", args=[_thread(c).pk]),
        action=lambda c: reverse("forums:escalate", args=[_thread(c).pk]),
        data=lambda c: {"note": "Anak perlu akta, mohon bantuan desa dan kecamatan."},
        count=lambda c: Thread.objects.count(),
    ),
    CreatingForm(
        "dusun",
        "koordinator_ntb",
        page=lambda c: reverse("areas:hamlet_new", args=[HAMLET_VILLAGE]),
        action=lambda c: reverse("areas:hamlet_new", args=[HAMLET_VILLAGE]),
        data=lambda c: {"name": "Dusun Baru Sekali"},
        count=lambda c: Area.objects.filter(level="hamlet").count(),
    ),
]


@pytest.fixture
def ctx(jago):
    return {**jago, "demo": jago}


@pytest.mark.parametrize("form", CREATING_FORMS, ids=lambda f: f.name)
def test_a_repeated_submit_returns_the_first_result(ctx, form):
    client = login(ctx["users"][form.user])
    page = client.get(form.page(ctx))
    assert page.status_code == 200
    data = {**form.data(ctx), FORM_FIELD: once_token(page.content.decode())}
    before = form.count(ctx)
    first = client.post(form.action(ctx), data)
    assert first.status_code == 302, re.findall(r"errorlist[^>]*>(.{0,300})", first.content.decode())
    assert form.count(ctx) == before + 1
    second = client.post(form.action(ctx), data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert form.count(ctx) == before + 1
    followed = client.get(second["Location"])
    assert "sudah dikirim" in followed.content.decode()  # "This form had already been sent" (Indonesian)
    # A new form (a new token) creates again: the token is what makes a submit "the same".
    if form.name not in ("escalation", "dusun", "consent", "referral"):
        fresh = {**form.data(ctx), FORM_FIELD: once_token(client.get(form.page(ctx)).content.decode())}
        if form.name.startswith("case registration"):
            # The same child again: the case team is shown the possible duplicate first (issue 20) and
            # confirms that it is another child.
            assert "Mungkin sudah terdaftar" in client.post(form.action(ctx), fresh).content.decode()
            fresh["confirm_new"] = "1"
        assert client.post(form.action(ctx), fresh).status_code == 302
        assert form.count(ctx) == before + 2


def test_a_form_with_errors_keeps_its_token_and_can_be_sent_again(ctx):
    client = login(ctx["users"]["pendamping_jago"])
    token = once_token(client.get(reverse("referrals:case_create")).content.decode())
    wrong = {**case_data(ctx), "child_name": "\u200b\u200b", FORM_FIELD: token}  # only zero-width spaces
    resp = client.post(reverse("referrals:case_create"), wrong)
    assert resp.status_code == 200 and once_token(resp.content.decode()) == token
    assert not IdempotencyRecord.objects.exists()  # an error frees the token
    fixed = client.post(reverse("referrals:case_create"), {**wrong, "child_name": "Baiq Benar"})
    assert fixed.status_code == 302 and ChildCase.objects.filter(child_name="Baiq Benar").count() == 1


def test_the_api_answers_a_repeated_post_with_the_first_answer(ctx, token_for):
    client = Client(HTTP_AUTHORIZATION=token_for(ctx["worker"]))
    body = json.dumps(
        {**case_data(ctx, name="Lalu Api"), "birth_date": birth(5).isoformat(), "needs": ["akta-kelahiran"]}
    )

    def post(key, data=body, path="/api/v1/cases"):
        return client.post(path, data, content_type="application/json", headers={HEADER: key})

    first, second = post("reg-1"), post("reg-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert ChildCase.objects.filter(child_name="Lalu Api").count() == 1
    # The same key for another body or another path: 422 naming the header.
    other = post("reg-1", data=body.replace("Lalu Api", "Lalu Lain"))
    assert other.status_code == 422 and HEADER in other.json()["errors"]
    assert post("reg-1", data="{}", path="/api/v1/referrals").status_code == 422
    # Another person with the same key is another request.
    other_worker = Client(HTTP_AUTHORIZATION=token_for(ctx["users"]["pendamping_sukaraja"]))
    assert (
        other_worker.post(
            "/api/v1/cases", body, content_type="application/json", headers={HEADER: "reg-1"}
        ).status_code
        != 201
    )  # not their area: refused, and not the first person's answer
    # A bad key is 422 naming it; a new key creates again.
    assert post("x" * 300).status_code == 422
    assert post("reg-2").status_code == 201
    assert ChildCase.objects.filter(child_name="Lalu Api").count() == 2


def test_stored_answers_are_encrypted_and_expire(ctx, token_for):
    client = Client(HTTP_AUTHORIZATION=token_for(ctx["worker"]))
    body = json.dumps({**case_data(ctx, name="Baiq Rahasia"), "needs": []})
    assert (
        client.post("/api/v1/cases", body, content_type="application/json", headers={HEADER: "k-secret"})
    ).status_code == 201
    record = IdempotencyRecord.objects.get()
    assert b"Baiq Rahasia" not in bytes(record.body) and "k-secret" not in record.key_hash
    from datetime import timedelta

    from django.utils import timezone

    assert purge() == 0
    assert purge(now=timezone.now() + timedelta(hours=25)) == 1


# --- two identical submits at the same moment, on real connections (SQLite and PostgreSQL) ---------------


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported by the assertions, never swallowed
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_double_tap_on_daftarkan_registers_the_child_once(ctx):
    clients = [login(ctx["worker"]) for _ in range(2)]
    token = once_token(clients[0].get(reverse("referrals:case_create")).content.decode())
    data = {**case_data(ctx, name="Baiq Ketuk Dua"), FORM_FIELD: token}

    def submit(client):
        return lambda: client.post(reverse("referrals:case_create"), data)

    for _round in range(2):
        results = run_together(submit(clients[0]), submit(clients[1]))
        assert all(not isinstance(r, Exception) for r in results), results
        assert [r.status_code for r in results] == [302, 302]
        assert results[0]["Location"] == results[1]["Location"]
        assert ChildCase.objects.filter(child_name="Baiq Ketuk Dua").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_api_posts_at_once_create_one_thread(ctx, token_for):
    code = ctx["demo"]["hamlets"][HAMLET_VILLAGE][0].code
    forum_ensure(area=ctx["demo"]["hamlets"][HAMLET_VILLAGE][0])
    auth = token_for(ctx["users"]["kader_jago"])
    body = json.dumps({"title": "Dua ketukan", "body": "Sekali saja", "kind": "discussion"})

    def submit():
        return Client(HTTP_AUTHORIZATION=auth).post(
            f"/api/v1/forums/{code}/threads", body, content_type="application/json", headers={HEADER: "tap-1"}
        )

    results = run_together(submit, submit, submit)
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [201, 201, 201]
    assert len({r.json()["id"] for r in results}) == 1
    assert Thread.objects.filter(title="Dua ketukan").count() == 1
