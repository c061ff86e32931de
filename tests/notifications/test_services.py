"""notify(): every kind renders in the recipient's language; who gets what; what is stored; preferences."""

import pytest
from django.utils import translation

from portal.core.errors import InvalidInput, NotFound
from portal.notifications.kinds import KIND_LABELS, KINDS
from portal.notifications.models import Delivery, Notification, NotificationPreference
from portal.notifications.selectors import notification_text, preference_choices
from portal.notifications.services import (
    kind_placeholders,
    notification_preferences_set,
    notifications_mark_all_read,
    notify,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SAMPLE = {
    "actor": "Baiq Hartini",
    "thread": "Akta kelahiran",
    "forum": "Desa Jago",
    "reason": "spam",
    "case": "APM-5202-00042",
    "service": "Akta kelahiran",
    "agency": "Dinas Dukcapil Kab. Lombok Tengah",
    "title": "Kelas parenting di Desa Jago",
    "person": "Lalu Ahmad",
    # forum meetings
    "when": "5 Des 2026 09:00 WITA",
    "item": "Data anak PMI tanpa KIA",
    "due": "12 Des 2026",
    "year": "2027",
}


def params_for(kind):
    return {name: SAMPLE[name] for name in kind_placeholders(kind)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_the_recipients_language(people, kind):
    ani, ben = people["ani"], people["ben"]  # Ani reads Indonesian, Ben English
    made = notify(recipients=[ani, ben], kind=kind, params=params_for(kind), url="/x/")
    by_user = {n.recipient_id: n.text for n in made}
    with translation.override("en"):
        english = str(KINDS[kind]) % params_for(kind)
    with translation.override("id"):
        indonesian = str(KINDS[kind]) % params_for(kind)
    assert by_user[ben.pk] == english
    assert by_user[ani.pk] == indonesian
    assert indonesian != english, f"{kind} has no Indonesian translation"
    assert kind in KIND_LABELS
    # Read back later in either language, from the kind and its parameters.
    stored = Notification.objects.get(recipient=ani, kind=kind)
    assert notification_text(stored, language="en") == english


def test_indonesian_text_examples(people):
    made = notify(
        recipients=[people["ani"]],
        kind="referral.accepted",
        params={"case": "APM-5202-00042", "service": "Akta kelahiran", "agency": "Dinas Dukcapil"},
    )
    assert made[0].text == "Rujukan APM-5202-00042 (Akta kelahiran) diterima oleh Dinas Dukcapil"


def test_actor_inactive_duplicates_and_off_are_left_out(people):
    ani, ben, citra = people["ani"], people["ben"], people["citra"]
    gone = make_user("gone", is_active=False)
    NotificationPreference.objects.create(user=citra, kind="forum.reply", delivery=Delivery.OFF)
    made = notify(
        recipients=[ani, ani, ben, citra, gone, None],
        kind="forum.reply",
        params={"thread": "Akta"},
        actor=ben,
    )
    assert [n.recipient for n in made] == [ani]
    assert made[0].params == {"actor": "Ben", "thread": "Akta"}  # the actor's name filled in
    assert made[0].actor == ben


def test_only_the_kinds_parameters_are_stored(people):
    made = notify(
        recipients=[people["ani"]],
        kind="referral.sent",
        params={"case": "APM-5202-00042", "service": "KIA", "child_name": "Lalu Ahmad"},
    )
    assert made[0].params == {"case": "APM-5202-00042", "service": "KIA"}
    assert "Lalu Ahmad" not in str(Notification.objects.values_list("params", "text").get())


def test_bad_calls_are_refused(people):
    with pytest.raises(ValueError, match="Unknown"):
        notify(recipients=[people["ani"]], kind="nope", params={})
    with pytest.raises(ValueError, match="missing"):
        notify(recipients=[people["ani"]], kind="referral.sent", params={"case": "APM-1"})
    assert not Notification.objects.exists()


def test_links_stay_inside_pelita(people):
    cases = {
        "/cases/APM-5202-00042/": "/cases/APM-5202-00042/",
        "http://pelita.example.org/cerita/kelas-parenting/?a=1#x": "/cerita/kelas-parenting/?a=1#x",
        "//evil.example/x": "",
        "javascript:alert(1)": "",
        "/\\evil.example": "",
    }
    for given, kept in cases.items():
        (made,) = notify(recipients=[people["ani"]], kind="story.approved", params={"title": "T"}, url=given)
        assert made.url == kept, given


def test_notify_costs_a_fixed_number_of_queries(people, django_assert_num_queries):
    many = [make_user(f"p{i}") for i in range(20)]
    # the preferences and the roles' defaults (one query), the verified channels (the accounts' addresses are
    # the recipients' own), one bulk insert (inside the test's transaction: nothing pushed yet), whatever the
    # number of recipients
    with django_assert_num_queries(3):
        made = notify(recipients=many, kind="story.review", params={"title": "T"})
    assert len(made) == 20


def test_preferences_decide_the_delivery(people):
    ani = people["ani"]
    ani.is_superuser = True  # receives every kind
    ani.save(update_fields=["is_superuser"])
    notification_preferences_set(
        user=ani,
        deliveries={
            "forum.reply": "email",
            "forum.mention": "digest",
            "story.review": "off",
            "referral.sent": "app",
        },
        unread_email_after=60,
    )
    assert {p.kind: p.delivery for p in NotificationPreference.objects.filter(user=ani)} == {
        "forum.reply": "email",
        "forum.mention": "digest",
        "story.review": "off",
        "referral.sent": "app",  # not its default (at once: it asks to act)
    }
    for kind in ("forum.reply", "forum.mention", "story.review", "referral.sent"):
        notify(recipients=[ani], kind=kind, params=params_for(kind))
    assert dict(Notification.objects.values_list("kind", "delivery")) == {
        "forum.reply": "email",
        "forum.mention": "digest",
        "referral.sent": "app",
    }
    # Back to the default removes the row.
    # Back to the default (the daily digest for a kind that does not ask to act) removes the row.
    notification_preferences_set(user=ani, deliveries={"forum.reply": "digest"}, unread_email_after=0)
    assert not NotificationPreference.objects.filter(user=ani, kind="forum.reply").exists()
    groups = {g["key"]: {k["kind"]: k["delivery"] for k in g["kinds"]} for g in preference_choices(user=ani)}
    assert groups["forum"]["forum.mention"] == "digest" and groups["story"]["story.review"] == "off"


def test_invalid_preferences_are_refused(people):
    people["ani"].is_superuser = True
    people["ani"].save(update_fields=["is_superuser"])
    with pytest.raises(InvalidInput) as exc:
        notification_preferences_set(
            user=people["ani"], deliveries={"forum.reply": "pigeon", "nope": "app"}, unread_email_after=7
        )
    assert set(exc.value.errors) == {"forum.reply", "nope", "unread_email_after"}
    assert not NotificationPreference.objects.exists()


def test_mark_read_is_per_person(people):
    from portal.notifications.services import notification_mark_read

    made = notify(recipients=[people["ani"], people["ben"]], kind="story.approved", params={"title": "T"})
    mine = next(n for n in made if n.recipient == people["ani"])
    theirs = next(n for n in made if n.recipient == people["ben"])
    with pytest.raises(NotFound):
        notification_mark_read(user=people["ani"], notification_id=theirs.pk)
    assert notification_mark_read(user=people["ani"], notification_id=mine.pk).read_at is not None
    assert notifications_mark_all_read(user=people["ben"]) == 1
    assert not Notification.objects.filter(read_at__isnull=True).exists()
