"""Two people acting on the same referral at once, on PostgreSQL with real concurrent connections: exactly one
transition happens, the other gets 409 with a clear message. Case codes stay unique under concurrent
registration."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from referrals.models import Referral, ReferralEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run each call in its own thread (and so its own database connection), released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported, never swallowed
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def transition_call(user, referral_id, action, note=""):
    def call():
        client = Client()
        client.force_login(user)
        r = client.post(
            f"/api/v1/referrals/{referral_id}/transitions",
            json.dumps({"action": action, "note": note}),
            content_type="application/json",
        )
        return r.status_code, r.json()

    return call


@pytest.mark.parametrize(("first", "second"), [("accept", "accept"), ("accept", "decline")])
def test_two_liaisons_at_once_one_wins(sent, first, second):
    users, rid = sent["users"], sent["referral"].pk
    for _round in range(3):  # a few rounds, so the race is really run
        Referral.objects.filter(pk=rid).update(status="sent")
        ReferralEvent.objects.filter(referral_id=rid).exclude(action="send").delete()
        results = run_together(
            transition_call(users["dukcapil_loteng_1"], rid, first, "Kami proses"),
            transition_call(users["dukcapil_loteng_2"], rid, second, "Bukan kewenangan"),
        )
        assert all(isinstance(r, tuple) for r in results), results
        codes = sorted(code for code, _body in results)
        assert codes == [200, 409], results
        loser = next(body for code, body in results if code == 409)
        assert "meanwhile" in loser["detail"] or "sementara itu" in loser["detail"]
        assert ReferralEvent.objects.filter(referral_id=rid).exclude(action="send").count() == 1


def test_case_codes_are_unique_under_concurrent_registration(jago):
    from referrals.services import case_register

    from .conftest import birth

    def register(i):
        def call():
            return case_register(
                actor=jago["worker"],
                area=jago["hamlets"]["52.02.01.2013"][0],
                child_name=f"Anak Serentak {i}",
                sex="M",
                birth_date=birth(5),
                caregiver_name="Inaq",
                caregiver_relation="nenek",
                parent_abroad="mother",
                destination_country="Malaysia",
            ).code

        return call

    codes = run_together(*(register(i) for i in range(4)))
    assert all(isinstance(c, str) for c in codes), codes
    assert len(set(codes)) == 4
    assert sorted(codes) == [f"APM-5202-{n:05d}" for n in range(2, 6)]


def test_a_consent_withdrawal_racing_the_agency_and_a_send_leaves_no_sharing(sent):
    """Issue 19.2 under concurrency: the caregiver's consent is withdrawn while a liaison accepts and writes, and
    while the team sends a draft to the same agency. Whatever the order, no open referral relies on a withdrawn
    consent, the consent_withdrawn entry is the referral's last, and the agency's permissions are gone."""
    from guardian.shortcuts import get_perms

    from portal.agencies.models import Service
    from referrals.models import Consent
    from referrals.services import consent_record, consent_withdraw, referral_create

    users, worker, case = sent["users"], sent["worker"], sent["case"]
    liaison = users["dukcapil_loteng_1"]
    kia = Service.objects.get(slug="kia")
    for _round in range(3):
        consent = consent_record(
            actor=worker, code=case.code, given_by="Inaq", relation="nenek", agencies=[sent["dukcapil"]]
        )
        Consent.objects.exclude(pk=consent.pk).update(withdrawn_at=consent.recorded_at)
        r = (
            referral_create(
                actor=worker, code=case.code, agency=sent["dukcapil"], service=sent["akta"], note="Akta"
            )
            if _round
            else sent["referral"]
        )
        Referral.objects.filter(pk=r.pk).update(consent=consent)
        Referral.objects.filter(case=case, service=kia).delete()
        draft = referral_create(
            actor=worker, code=case.code, agency=sent["dukcapil"], service=kia, note="KIA", send=False
        )

        def withdraw(consent=consent):
            return consent_withdraw(actor=worker, code=case.code, consent_id=consent.pk)

        def message(r=r):
            client = Client()
            client.force_login(liaison)
            resp = client.post(
                f"/api/v1/referrals/{r.pk}/messages",
                json.dumps({"body": "Sudah"}),
                content_type="application/json",
            )
            return resp.status_code

        results = run_together(
            withdraw,
            transition_call(liaison, r.pk, "accept"),
            message,
            transition_call(worker, draft.pk, "send"),
        )
        assert not any(isinstance(x, Exception) for x in results), results
        assert not Referral.objects.filter(
            consent__withdrawn_at__isnull=False, status__in=("sent", "accepted", "in_progress")
        ).exists()
        r.refresh_from_db()
        assert r.status == "withdrawn"
        assert r.events.order_by("-at", "-pk").first().action == "consent_withdrawn"
        assert not set(get_perms(liaison, r)) & {"view_referral_identity", "message_referral"}
        # The referral must be ended before the next round's akta referral is created.
        Referral.objects.filter(case=case, service=sent["akta"]).exclude(pk=r.pk).delete()
