"""The delivery engine (issue 13): each delivery recorded, claimed once, retried, never sent to someone who can
no longer see its target; a worker killed mid-run loses nothing and sends nothing twice; e-mail addresses are
verified by a signed link."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from portal.notifications.channels import reset_channels
from portal.notifications.delivery import LEASE, deliveries_create, run_deliveries
from portal.notifications.models import ContactPoint, Notification, NotificationDelivery
from portal.notifications.services import notify
from tests.factories import make_user
from tests.notifications.conftest import logged_in

REFERRAL = {"case": "APM-5202-00042", "service": "Akta kelahiran", "agency": "Dukcapil"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recording(settings, tmp_path):
    log = tmp_path / "sent.log"
    settings.PELITA_NOTIFY_CHANNELS = {
        "rec": {"BACKEND": "tests.notifications.fakes.RecordingChannel", "OPTIONS": {"path": str(log)}}
    }
    reset_channels()
    yield log
    reset_channels()


def _queued(user, n: int) -> list[int]:
    made = Notification.objects.bulk_create(
        [Notification(recipient=user, kind="referral.sent", text=f"n{i}", params=REFERRAL) for i in range(n)]
    )
    return deliveries_create([(m, "rec") for m in made])


def _sent_lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.django_db
def test_a_notification_whose_target_is_hidden_is_never_sent(people, recording, monkeypatch):
    from django.db.models import Q

    ani = people["ani"]
    ids = _queued(ani, 2)
    hidden = NotificationDelivery.objects.get(pk=ids[0]).notification_id
    monkeypatch.setattr("portal.notifications.delivery.visible_q", lambda user: ~Q(pk=hidden))
    assert run_deliveries() == {"skipped": 1, "sent": 1}
    assert _sent_lines(recording) == [str(ids[1])]
    row = NotificationDelivery.objects.get(pk=ids[0])
    assert (row.status, row.last_error) == ("skipped", "no longer visible to the person")
    assert run_deliveries(now=timezone.now() + dt.timedelta(days=1)) == {}


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_send_each_delivery_once(people, recording):
    ani = people["ani"]
    ids = _queued(ani, 12)
    results = []

    def work():
        results.append(run_deliveries())
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = _sent_lines(recording)
    assert sorted(lines, key=int) == [str(i) for i in ids]  # each exactly once
    assert set(NotificationDelivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_one_run_sends_side_by_side_and_each_delivery_once(settings, tmp_path):
    """run_deliveries(concurrency=N): N threads on PostgreSQL (one on SQLite, or inside a transaction); either
    way every delivery is sent exactly once and counted once."""
    log, threads = tmp_path / "sent.log", tmp_path / "threads.log"
    settings.PELITA_NOTIFY_CHANNELS = {
        "rec": {
            "BACKEND": "tests.notifications.fakes.RecordingChannel",
            "OPTIONS": {"path": str(log), "threads": str(threads), "delay": "0.02"},
        }
    }
    reset_channels()
    try:
        people = [make_user(f"p{i}") for i in range(8)]
        ids = [i for person in people for i in _queued(person, 5)]
        assert run_deliveries(concurrency=4) == {"sent": len(ids)}
    finally:
        reset_channels()
    assert sorted(map(int, _sent_lines(log))) == sorted(ids)
    assert set(NotificationDelivery.objects.values_list("status", flat=True)) == {"sent"}
    names = set(threads.read_text().splitlines())
    if connection.vendor == "postgresql":
        assert len(names) > 1 and all(n.startswith("pelita-delivery") for n in names)
    else:
        assert len(names) == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_loses_nothing_and_sends_nothing_twice(people, recording, tmp_path):
    ani = people["ani"]
    ids = _queued(ani, 6)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "PELITA_WORKER_DB_NAME": str(connection.settings_dict["NAME"]),
        "PELITA_WORKER_LOG": str(recording),
        "PELITA_WORKER_DELAY": "0.6",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "notifications_deliver"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while len(_sent_lines(recording)) < 2:
            assert worker.poll() is None and time.monotonic() < deadline, "the worker did not start sending"
            time.sleep(0.05)
        time.sleep(0.2)  # now inside the next send (the provider has not got it yet)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    before = _sent_lines(recording)
    statuses = dict(NotificationDelivery.objects.values_list("pk", "status"))
    assert [statuses[int(i)] for i in before] == ["sent"] * len(before)
    assert "sending" in statuses.values()  # the one it was working on, left with its lease
    assert len(before) < len(ids)
    # Another worker, before the lease ran out: takes what was never taken, not the leased one
    run_deliveries()
    assert "sending" in set(NotificationDelivery.objects.values_list("status", flat=True))
    # ... and after it: the rest; every delivery sent exactly once
    run_deliveries(now=timezone.now() + LEASE + dt.timedelta(seconds=1))
    lines = _sent_lines(recording)
    assert sorted(lines, key=int) == [str(i) for i in ids]
    assert set(NotificationDelivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_email_is_verified_by_a_signed_link(people, django_capture_on_commit_callbacks):
    import re

    ani, ben = people["ani"], people["ben"]
    client = logged_in(ani)
    page = client.get("/notifications/settings/").content.decode()
    assert "/notifications/settings/verify-email/" in page  # the offer to verify
    client.post("/notifications/settings/verify-email/")
    (message,) = mail.outbox
    assert message.to == ["ani@example.org"] and message.subject == "[Pelita] Konfirmasi alamat e-mail Anda"
    link = re.search(r"http://\S+/notifications/settings/verify-email/\S+/", message.body).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    # Someone else, or a tampered token, verifies nothing
    logged_in(ben).get(path)
    logged_in(ani).get(path[:-3] + "xx/")
    assert not ContactPoint.objects.filter(verified_at__isnull=False).exists()
    answer = client.get(path, follow=True)
    assert "Alamat e-mail Anda sudah diverifikasi." in answer.content.decode()
    assert ContactPoint.objects.get(user=ani, channel="email").address == "ani@example.org"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani, ben], kind="referral.sent", params=REFERRAL)
    assert [m.to for m in mail.outbox] == [["ani@example.org"]]  # Ben has not verified his


@pytest.mark.django_db
def test_the_person_sees_where_a_notification_went(people, django_capture_on_commit_callbacks):
    ani = people["ani"]
    ani.is_superuser = True
    ani.save(update_fields=["is_superuser"])
    ContactPoint.objects.create(user=ani, channel="email", address=ani.email, verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
    delivery = NotificationDelivery.objects.get()
    shown = timezone.localtime(delivery.sent_at).strftime("%H:%M")
    page = logged_in(ani).get("/notifications/settings/").content.decode()
    assert f"dikirim ke E-mail {shown}" in page


@pytest.mark.django_db
def test_the_back_office_lists_deliveries_for_superusers_only(demo, django_capture_on_commit_callbacks):
    users = demo["users"]
    admin, coordinator = users["admin"], users["koordinator_ntb"]
    inactive = make_user("someone", email="s@example.org")
    ContactPoint.objects.create(
        user=inactive, channel="email", address=inactive.email, verified_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[inactive], kind="referral.sent", params=REFERRAL)
    delivery = NotificationDelivery.objects.get()
    for name in ("notification_deliveries", "notification_role_defaults"):
        assert logged_in(admin).get(f"/admin/{name}/").status_code == 200
        assert logged_in(coordinator).get(f"/admin/{name}/").status_code in (302, 403, 404)
    inspect = f"/admin/notification_deliveries/inspect/{delivery.pk}/"
    assert logged_in(admin).get(inspect).status_code == 200
    assert logged_in(coordinator).get(inspect).status_code in (302, 403, 404)
