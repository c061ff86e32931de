"""Run by tests/robustness/test_sqlite_url.py in a child pytest whose DATABASE_URL is `sqlite:///...` (not
collected on its own: the name does not start with test_). Two liaisons accept the same referral at the same
moment, over real connections: one 200, one 409, never a 500 "database is locked"."""

import json
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.referrals.conftest import jago  # noqa: F401
from tests.referrals.conftest import sent as sent  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_url_form_carries_the_sqlite_options():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert settings.DATABASE_URL.startswith("sqlite:///")
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


def test_two_liaisons_accepting_at_once(sent):  # noqa: F811
    from referrals.models import Referral, ReferralEvent

    users, rid = sent["users"], sent["referral"].pk

    def accept(username):
        def call():
            client = Client()
            client.force_login(users[username])
            return client.post(
                f"/api/v1/referrals/{rid}/transitions",
                json.dumps({"action": "accept", "note": "Kami proses"}),
                content_type="application/json",
            ).status_code

        return call

    for _round in range(3):
        Referral.objects.filter(pk=rid).update(status="sent")
        ReferralEvent.objects.filter(referral_id=rid).exclude(action="send").delete()
        barrier, results = threading.Barrier(2), []

        def worker(call, barrier=barrier, results=results):
            try:
                barrier.wait()
                results.append(call())
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(accept(u),))
            for u in ("dukcapil_loteng_1", "dukcapil_loteng_2")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(results) == [200, 409], results
