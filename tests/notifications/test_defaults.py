"""Issue 13, defaults that match the work: what asks to act goes out at once on every verified channel, the rest
to the daily digest, the unread reminder is on; a person sees only the kinds their roles receive; an
administrator sets defaults per role; a person's choice per kind and per channel wins; a migration brings the
people already there to these defaults."""

import pytest
from django.utils import timezone

from portal.notifications.kinds import ACTIONABLE, AUDIENCES, KIND_AUDIENCES, KINDS
from portal.notifications.models import (
    ContactPoint,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    NotificationSettings,
    RoleNotificationDefault,
)
from portal.notifications.selectors import preference_choices, visible_kinds
from portal.notifications.services import notification_settings_set, notify
from tests.notifications.conftest import logged_in

pytestmark = pytest.mark.django_db
REFERRAL = {"case": "APM-5202-00042", "service": "Akta kelahiran", "agency": "Dukcapil"}


def verify(user, channel="email", address=None):
    ContactPoint.objects.update_or_create(
        user=user, channel=channel, defaults={"address": address or user.email, "verified_at": timezone.now()}
    )


def test_every_kind_declares_who_receives_it():
    assert set(KIND_AUDIENCES) == set(KINDS)
    for kind, audiences in KIND_AUDIENCES.items():
        assert audiences and audiences <= set(AUDIENCES), kind
    assert set(KINDS) >= ACTIONABLE
    # The list of what asks someone to act
    assert {
        "referral.sent",
        "referral.message",
        "forum.mention",
        "forum.escalated",
        "referral.overdue",
    } <= ACTIONABLE
    assert "forum.reply" not in ACTIONABLE and "meeting.minutes" not in ACTIONABLE


def test_actionable_kinds_go_at_once_to_every_verified_channel_the_rest_to_the_digest(
    people, django_capture_on_commit_callbacks
):
    from django.core import mail

    ani, ben = people["ani"], people["ben"]
    verify(ani)  # Ben's address is not verified: nothing goes to it
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani, ben], kind="referral.sent", params=REFERRAL, url="/c/1/")
        notify(recipients=[ani, ben], kind="forum.reply", params={"actor": "Citra", "thread": "Posyandu"})
    assert [m.to for m in mail.outbox] == [["ani@example.org"]]
    assert "APM-5202-00042" in mail.outbox[0].subject
    sent = Notification.objects.get(recipient=ani, kind="referral.sent")
    assert sent.delivery == "instant" and sent.deliveries.get().status == "sent"
    assert Notification.objects.get(recipient=ani, kind="forum.reply").delivery == "digest"
    # Ben: in Pelita only until he verifies his address (and no delivery rows)
    assert set(Notification.objects.filter(recipient=ben).values_list("delivery", flat=True)) == {
        "instant",
        "app",
    }
    assert not NotificationDelivery.objects.filter(recipient=ben).exists()
    assert NotificationSettings().unread_email_after == 240  # the reminder is on: after 4 working hours


def test_a_changed_address_is_no_longer_verified(people, django_capture_on_commit_callbacks):
    from django.core import mail

    ani = people["ani"]
    verify(ani)
    ani.email = "new@example.org"
    ani.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
    assert mail.outbox == []


def test_the_person_switches_a_channel_off_for_a_kind_or_turns_it_off(
    people, django_capture_on_commit_callbacks
):
    from django.core import mail

    ani = people["ani"]
    ani.is_superuser = True  # receives every kind
    ani.save(update_fields=["is_superuser"])
    verify(ani)
    notification_settings_set(
        user=ani,
        kinds={
            "referral.sent": {"delivery": "instant", "muted_channels": ["email"]},
            "referral.message": {"delivery": "off", "muted_channels": []},
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
        notify(recipients=[ani], kind="referral.message", params=REFERRAL)
    assert mail.outbox == []
    assert list(Notification.objects.filter(recipient=ani).values_list("kind", flat=True)) == [
        "referral.sent"
    ]


def _kinds(user):
    return set(visible_kinds(user=user))


def test_a_person_sees_only_the_kinds_their_roles_receive(demo):
    users = demo["users"]
    cadre, liaison, worker = users["kader_jago"], users["dukcapil_loteng_1"], users["pendamping_jago"]
    assert "forum.mention" in _kinds(cadre)
    assert not {"referral.sent", "referral.accepted", "story.review"} & _kinds(cadre)
    assert len(_kinds(cadre)) < len(KINDS)
    assert "referral.sent" in _kinds(liaison) and "forum.mention" not in _kinds(liaison)
    assert {"referral.accepted", "forum.mention"} <= _kinds(worker) and "referral.sent" not in _kinds(worker)
    assert _kinds(users["admin"]) == set(KINDS)
    # The page lists exactly those
    page = logged_in(cadre).get("/notifications/settings/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "kind__forum__mention" in body and "kind__referral__sent" not in body


def test_an_administrator_sets_a_default_per_role_and_a_persons_choice_wins(
    demo, django_capture_on_commit_callbacks
):
    users = demo["users"]
    cadre, other = users["kader_jago"], users["kader_sukaraja"]
    RoleNotificationDefault.objects.create(role="anggota", kind="forum.reply", delivery="instant")
    choices = {i["kind"]: i for g in preference_choices(user=cadre) for i in g["kinds"]}
    assert choices["forum.reply"]["delivery"] == "instant" and not choices["forum.reply"]["chosen"]
    notification_settings_set(user=other, kinds={"forum.reply": {"delivery": "app", "muted_channels": []}})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cadre, other], kind="forum.reply", params={"actor": "X", "thread": "T"})
    by = dict(Notification.objects.filter(kind="forum.reply").values_list("recipient__username", "delivery"))
    assert by == {"kader_jago": "instant", "kader_sukaraja": "app"}
    # Saving the default again stores nothing: a later change of the role's default reaches the person
    notification_settings_set(
        user=cadre, kinds={"forum.reply": {"delivery": "instant", "muted_channels": []}}
    )
    assert not NotificationPreference.objects.filter(user=cadre).exists()


def test_api_get_and_put_notification_settings(demo, client, token_for):
    cadre = demo["users"]["kader_jago"]
    auth = {"HTTP_AUTHORIZATION": token_for(cadre)}
    r = client.get("/api/v1/me/notification-settings", **auth)
    assert r.status_code == 200, r.content
    body = r.json()
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert kinds["forum.mention"]["delivery"] == "instant" and kinds["forum.mention"]["actionable"]
    assert kinds["forum.reply"]["delivery"] == "digest"
    assert "referral.sent" not in kinds
    assert body["unread_email_after"] == 240 and (body["quiet_start"], body["quiet_end"]) == (
        "21:00",
        "06:00",
    )
    assert {c["channel"] for c in body["channels"]} >= {"email"}
    body["kinds"] = [{"kind": "forum.reply", "delivery": "off", "muted_channels": []}]
    body["quiet_start"] = "22:00"
    r = client.put("/api/v1/me/notification-settings", body, content_type="application/json", **auth)
    assert r.status_code == 200, r.content
    assert {k["kind"]: k["delivery"] for k in r.json()["kinds"]}["forum.reply"] == "off"
    assert r.json()["quiet_start"] == "22:00"
    # A kind the person's roles do not receive, an unknown channel: 422 naming it
    for bad in (
        {"kind": "referral.sent", "delivery": "off", "muted_channels": []},
        {"kind": "forum.reply", "delivery": "off", "muted_channels": ["pigeon"]},
        {"kind": "forum.reply", "delivery": "loud", "muted_channels": []},
    ):
        r = client.put(
            "/api/v1/me/notification-settings", {"kinds": [bad]}, content_type="application/json", **auth
        )
        assert r.status_code == 422 and bad["kind"] in r.json()["errors"], r.content
    assert client.get("/api/v1/me/notification-settings").status_code == 401


def test_the_migration_brings_existing_people_to_the_new_defaults(people):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("portal.notifications.migrations.0006_apply_new_defaults")
    ani, ben = people["ani"], people["ben"]
    NotificationSettings.objects.create(user=ani, unread_email_after=0)
    NotificationSettings.objects.create(user=ben, unread_email_after=1440)
    migration.forwards(apps, None)
    assert dict(NotificationSettings.objects.values_list("user__username", "unread_email_after")) == {
        "ani": 240,
        "ben": 480,
    }
    verified = set(
        ContactPoint.objects.filter(verified_at__isnull=False).values_list("user__username", "address")
    )
    assert ("ani", "ani@example.org") in verified and ("citra", "citra@example.org") in verified
