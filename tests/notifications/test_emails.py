"""E-mail through Django's mail backend (locmem in tests): at once, daily digest, unread reminder. In the
recipient's language, naming a case by its code only, never the child."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.notifications.emails import send_digests, send_unread_reminders
from portal.notifications.models import Notification, NotificationPreference, NotificationSettings
from portal.notifications.services import notify

pytestmark = pytest.mark.django_db

CHILD_NAME = "Lalu Ahmad Fauzan"
REFERRAL = {
    "case": "APM-5202-00042",
    "service": "Akta kelahiran",
    "agency": "Dinas Dukcapil Kab. Lombok Tengah",
}


def prefer(user, kind, delivery):
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def test_email_at_once_in_the_recipients_language_without_the_child(
    people, django_capture_on_commit_callbacks
):
    ani, ben = people["ani"], people["ben"]
    prefer(ani, "referral.accepted", "email")
    prefer(ben, "referral.accepted", "email")
    with django_capture_on_commit_callbacks(execute=True):
        # A caller that wrongly passes the child's name: it is dropped, never stored nor sent.
        notify(
            recipients=[ani, ben],
            kind="referral.accepted",
            params={**REFERRAL, "child": CHILD_NAME},
            url="/cases/APM-5202-00042/referrals/7/",
        )
    assert len(mail.outbox) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    indonesian, english = by_to["ani@example.org"], by_to["ben@example.org"]
    assert (
        indonesian.subject
        == "[Pelita] Rujukan APM-5202-00042 (Akta kelahiran) diterima oleh Dinas Dukcapil Kab. Lombok Tengah"
    )
    assert "Halo Ani," in indonesian.body and "Ubah pengaturannya di sini:" in indonesian.body
    assert english.subject.startswith("[Pelita] Referral APM-5202-00042 (Akta kelahiran) was accepted")
    assert "Hello Ben," in english.body and "http://127.0.0.1:8000/notifications/settings/" in english.body
    n = Notification.objects.get(recipient=ben)
    assert f"http://127.0.0.1:8000/notifications/{n.pk}/" in english.body
    for message in mail.outbox:
        assert CHILD_NAME not in message.subject + message.body
        assert "APM-5202-00042" in message.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_failed_email_is_recorded_retried_with_backoff_and_never_raised(
    people, settings, django_capture_on_commit_callbacks
):
    from portal.notifications.delivery import run_deliveries
    from portal.notifications.models import NotificationDelivery

    ani = people["ani"]
    prefer(ani, "referral.sent", "email")
    settings.EMAIL_BACKEND = "tests.notifications.test_emails.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=[ani], kind="referral.sent", params=REFERRAL)  # does not raise
    (delivery,) = NotificationDelivery.objects.filter(notification=made[0])
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "failed",
        1,
        "mail server: ConnectionRefusedError",
    )
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=25)  # backoff
    assert Notification.objects.get(pk=made[0].pk).emailed_at is None  # stored, waiting
    assert run_deliveries() == {}  # not due yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("notifications_send_email", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []
    assert run_deliveries(now=timezone.now() + timedelta(minutes=1)) == {"sent": 1}
    assert len(mail.outbox) == 1 and "APM-5202-00042" in mail.outbox[0].subject
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2) and delivery.sent_at
    assert run_deliveries(now=timezone.now() + timedelta(days=1)) == {}  # never sent twice


def test_a_delivery_that_keeps_failing_is_given_up(people, settings, django_capture_on_commit_callbacks):
    from portal.notifications.delivery import MAX_ATTEMPTS, run_deliveries
    from portal.notifications.models import NotificationDelivery

    ani = people["ani"]
    prefer(ani, "referral.sent", "email")
    settings.EMAIL_BACKEND = "tests.notifications.test_emails.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(hours=7)
        run_deliveries(now=later)
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("gave_up", MAX_ATTEMPTS)
    assert delivery.last_error == "mail server: ConnectionRefusedError"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


def test_daily_digest_groups_per_person_and_is_sent_once(people):
    ani, ben = people["ani"], people["ben"]
    for user in (ani, ben):
        prefer(user, "forum.reply", "digest")
        prefer(user, "referral.message", "digest")
    notify(
        recipients=[ani, ben],
        kind="forum.reply",
        params={"actor": "Citra", "thread": "Posyandu"},
        url="/f/1/",
    )
    notify(
        recipients=[ani], kind="referral.message", params={**REFERRAL, "child_name": CHILD_NAME}, url="/c/1/"
    )
    notify(recipients=[ani], kind="story.review", params={"title": "Not in the digest"})  # in Pelita only
    call_command("notifications_send_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(m.to[0] for m in mail.outbox) == ["ani@example.org", "ben@example.org"]
    digest = next(m for m in mail.outbox if m.to == ["ani@example.org"])
    assert digest.subject == "[Pelita] Ringkasan harian Anda: 2 pemberitahuan"
    # A thread's title and a person's name stay inside Pelita (people type children's names into titles).
    assert "Balasan di topik yang saya ikuti" in digest.body and "Posyandu" not in digest.body
    assert "Pesan baru pada rujukan APM-5202-00042 (Akta kelahiran)" in digest.body
    assert "Not in the digest" not in digest.body and CHILD_NAME not in digest.body
    english = next(m for m in mail.outbox if m.to == ["ben@example.org"])
    assert english.subject == "[Pelita] Your daily digest: 1 notification"
    assert send_digests() == 0  # idempotent
    assert len(mail.outbox) == 2


def test_unread_reminder_after_the_chosen_working_time_for_what_asks_to_act(people):
    import datetime as dt

    from portal.core.workdays import WITA

    ani, ben, citra = people["ani"], people["ben"], people["citra"]
    NotificationSettings.objects.create(user=ani, unread_email_after=60)
    NotificationSettings.objects.create(user=ben, unread_email_after=240)
    prefer(ani, "forum.reply", "digest")
    now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=WITA)  # a Wednesday
    notify(
        recipients=[ani, ben, citra], kind="forum.mention", params={"actor": "Dewi", "thread": "Rapat desa"}
    )
    notify(recipients=[ani], kind="forum.reply", params={"actor": "Dewi", "thread": "Digest only"})
    read = notify(recipients=[ani], kind="story.review", params={"title": "Sudah dibaca"})[0]
    Notification.objects.update(created_at=now - timedelta(minutes=90))
    Notification.objects.filter(pk=read.pk).update(read_at=now)
    new = notify(recipients=[ani], kind="story.review", params={"title": "Terlalu baru"})[0]
    Notification.objects.filter(pk=new.pk).update(created_at=now - timedelta(minutes=10))
    # Ani: 90 working minutes passed; Ben waits 4 working hours; Citra's address is not verified
    assert send_unread_reminders(now=now) == 1
    (message,) = mail.outbox
    assert message.to == ["ani@example.org"]
    assert message.subject == "[Pelita] 1 pemberitahuan yang belum Anda baca"
    assert "Seseorang menyebut saya (@namapengguna)" in message.body and "Rapat desa" not in message.body
    for absent in ("Digest only", "Sudah dibaca", "Terlalu baru"):
        assert absent not in message.body
    assert send_unread_reminders(now=now) == 0  # sent once
    assert send_unread_reminders(now=now + timedelta(hours=3)) == 2  # Ben, then Ani's newer one
    assert {m.to[0] for m in mail.outbox[1:]} == {"ani@example.org", "ben@example.org"}


def test_the_reminder_counts_working_time_only():
    import datetime as dt

    from portal.core.workdays import WITA
    from portal.notifications.workhours import working_minutes_between

    friday_evening = dt.datetime(2026, 12, 4, 17, 0, tzinfo=WITA)
    saturday = dt.datetime(2026, 12, 5, 12, 0, tzinfo=WITA)
    monday = dt.datetime(2026, 12, 7, 12, 0, tzinfo=WITA)
    assert working_minutes_between(friday_evening, saturday) == 0
    assert working_minutes_between(friday_evening, monday) == 240
    christmas = dt.datetime(2026, 12, 25, 12, 0, tzinfo=WITA)
    assert working_minutes_between(christmas - timedelta(hours=3), christmas) == 0  # a public holiday


def test_people_without_an_address_get_no_email(people, django_capture_on_commit_callbacks):
    from tests.factories import make_user

    nomail = make_user("nomail")
    prefer(nomail, "story.review", "email")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[nomail], kind="story.review", params={"title": "T"})
    assert mail.outbox == []
    assert Notification.objects.get(recipient=nomail).emailed_at is None
