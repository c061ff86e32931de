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


def test_failed_email_is_logged_and_retried_by_the_job(
    people, settings, django_capture_on_commit_callbacks, caplog
):
    ani = people["ani"]
    prefer(ani, "referral.sent", "email")
    settings.EMAIL_BACKEND = "tests.notifications.test_emails.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
    assert "Could not e-mail" in caplog.text
    assert Notification.objects.get(pk=made[0].pk).emailed_at is None  # stored, waiting
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=made[0].pk).update(created_at=timezone.now() - timedelta(minutes=2))
    call_command("notifications_send_email", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1 and "APM-5202-00042" in mail.outbox[0].subject


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
    assert "Citra membalas di “Posyandu”" in digest.body
    assert "Pesan baru pada rujukan APM-5202-00042 (Akta kelahiran)" in digest.body
    assert "Not in the digest" not in digest.body and CHILD_NAME not in digest.body
    english = next(m for m in mail.outbox if m.to == ["ben@example.org"])
    assert english.subject == "[Pelita] Your daily digest: 1 notification"
    assert send_digests() == 0  # idempotent
    assert len(mail.outbox) == 2


def test_unread_reminder_after_the_chosen_delay_only_for_in_pelita_kinds(people):
    ani, ben, citra = people["ani"], people["ben"], people["citra"]
    NotificationSettings.objects.create(user=ani, unread_email_after=60)
    NotificationSettings.objects.create(user=ben, unread_email_after=240)
    prefer(ani, "forum.reply", "digest")
    old = timezone.now() - timedelta(minutes=90)
    notify(
        recipients=[ani, ben, citra], kind="forum.mention", params={"actor": "Dewi", "thread": "Rapat desa"}
    )
    notify(recipients=[ani], kind="forum.reply", params={"actor": "Dewi", "thread": "Digest only"})
    read = notify(recipients=[ani], kind="story.review", params={"title": "Sudah dibaca"})[0]
    Notification.objects.update(created_at=old)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    notify(recipients=[ani], kind="story.review", params={"title": "Terlalu baru"})
    assert send_unread_reminders() == 1  # Ani: 60 min passed; Ben waits 4 h; Citra has no reminder
    (message,) = mail.outbox
    assert message.to == ["ani@example.org"]
    assert message.subject == "[Pelita] 1 pemberitahuan yang belum Anda baca"
    assert "Dewi menyebut Anda di “Rapat desa”" in message.body
    for absent in ("Digest only", "Sudah dibaca", "Terlalu baru"):
        assert absent not in message.body
    assert send_unread_reminders() == 0  # sent once
    assert send_unread_reminders(now=timezone.now() + timedelta(hours=3)) == 2  # Ben, then Ani's newer one
    assert {m.to[0] for m in mail.outbox[1:]} == {"ani@example.org", "ben@example.org"}


def test_people_without_an_address_get_no_email(people, django_capture_on_commit_callbacks):
    from tests.factories import make_user

    nomail = make_user("nomail")
    prefer(nomail, "story.review", "email")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[nomail], kind="story.review", params={"title": "T"})
    assert mail.outbox == []
    assert Notification.objects.get(recipient=nomail).emailed_at is None
