"""Issue 13, a break-it round on the notification channels, as an attacker and as a curious insider: each
finding is a table here (phone codes, e-mail links, Web Push subscriptions, what leaves Pelita for every kind,
deliveries whose address or access changed, what a provider's error puts into a reason)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from portal.core.errors import InvalidInput, NotFound
from portal.notifications.channels import Message, PermanentFailure, redact_reason, reset_channels
from portal.notifications.channels.phone import phone_text
from portal.notifications.channels.push import push_payload
from portal.notifications.delivery import run_deliveries
from portal.notifications.emails import build_email
from portal.notifications.kinds import KINDS
from portal.notifications.models import (
    ContactPoint,
    NotificationDelivery,
    NotificationSettings,
    PushSubscription,
)
from portal.notifications.phones import TooManyCodes, phone_start, phone_verify
from portal.notifications.push import push_subscribe, push_unsubscribe
from portal.notifications.services import notify
from portal.notifications.verification import email_verification_token, verify_email
from tests.factories import make_user
from tests.notifications import fake_providers as fp
from tests.notifications.conftest import logged_in

pytestmark = pytest.mark.django_db
CHILD = "Baiq Nurul Hidayati"
NUMBER = "+6281100000001"
P256DH = "B" + "A" * 86  # 65 bytes in base64url once decoded (checked below)
AUTH = "A" * 22  # 16 bytes


@pytest.fixture
def sms(settings):
    with fp.fake_sms_gateway() as gateway:
        settings.PELITA_NOTIFY_CHANNELS = {
            "sms": {
                "BACKEND": "portal.notifications.channels.phone.SMSGatewayChannel",
                "OPTIONS": {"url": gateway.url, "username": "pelita", "password": "secret"},
            },
        }
        reset_channels()
        yield gateway
        reset_channels()


def _code(request) -> str:
    return re.search(r"\b(\d{6})\b", request["message"]).group(1)


# --- phone verification --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limits", "asks", "refused_at"),
    [
        # One person asking again and again for her own number (and for new codes to guess).
        ((("person", 3, 3600),), [("ani", NUMBER, "10.0.0.1")] * 4, 3),
        # Many accounts (or many people) sending codes to one number: someone else's phone is not bombed.
        (
            (("number", 2, 3600),),
            [("ani", NUMBER, "10.0.0.1"), ("ben", NUMBER, "10.0.0.2"), ("citra", NUMBER, "10.0.0.3")],
            2,
        ),
        # One address asking for many numbers through many accounts.
        (
            (("address", 2, 3600),),
            [
                ("ani", NUMBER, "10.0.0.9"),
                ("ben", "+6281100000002", "10.0.0.9"),
                ("citra", "+6281100000003", "10.0.0.9"),
            ],
            2,
        ),
        # Different people, numbers and addresses: nobody is held back by the others.
        (
            (("person", 1, 3600), ("number", 1, 3600), ("address", 1, 3600)),
            [
                ("ani", NUMBER, "10.0.0.1"),
                ("ben", "+6281100000002", "10.0.0.2"),
                ("citra", "+6281100000003", "10.0.0.3"),
            ],
            None,
        ),
    ],
)
def test_sending_codes_is_throttled_per_person_number_and_address(
    people, sms, settings, limits, asks, refused_at
):
    settings.PELITA_PHONE_CODE_LIMITS = limits
    for i, (who, number, ip) in enumerate(asks):
        if refused_at is not None and i >= refused_at:
            with pytest.raises(TooManyCodes):
                phone_start(user=people[who], phone=number, channel="sms", ip=ip)
        else:
            phone_start(user=people[who], phone=number, channel="sms", ip=ip)
    assert len(sms.requests) == (refused_at if refused_at is not None else len(asks))


def test_the_default_limits_bound_guessing_across_new_codes_and_answer_429(people, sms, client, token_for):
    ani = people["ani"]
    auth = {"HTTP_AUTHORIZATION": token_for(ani), "REMOTE_ADDR": "10.1.1.1"}
    guesses = 0
    for _round in range(20):
        r = client.post("/api/v1/me/phone", {"phone": NUMBER}, content_type="application/json", **auth)
        if r.status_code == 429:
            break
        assert r.status_code == 202, r.content
        code = _code(sms.requests[-1])
        wrong = "000000" if code != "000000" else "111111"
        for _try in range(5):
            client.post("/api/v1/me/phone/verify", {"code": wrong}, content_type="application/json", **auth)
            guesses += 1
    assert r.status_code == 429 and "detail" in r.json()
    # 3 codes an hour to one number (5 for one person): 15 guesses of a million.
    assert len(sms.requests) == 3 and guesses == 15
    assert not ContactPoint.objects.filter(verified_at__isnull=False).exists()


def test_no_code_is_sent_when_the_throttle_cannot_count(people, sms, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", down)
    with pytest.raises(TooManyCodes):
        phone_start(user=people["ani"], phone=NUMBER, channel="sms")
    assert sms.requests == []


def test_a_code_works_once_and_is_not_in_the_providers_message_id(people, sms):
    ani = people["ani"]
    phone_start(user=ani, phone=NUMBER, channel="sms")
    (request,) = sms.requests
    code = _code(request)
    assert code not in request.get("id", "")
    phone_verify(user=ani, code=code)
    with pytest.raises(InvalidInput):
        phone_verify(user=ani, code=code)  # used: gone
    # A new number un-verifies the old one at once (nothing more is sent to either before the new code).
    phone_start(user=ani, phone="+6281100000009", channel="sms")
    point = ContactPoint.objects.get(user=ani, channel="phone")
    assert point.verified_at is None and point.address == "+6281100000009"
    with pytest.raises(InvalidInput):
        phone_verify(user=ani, code=code)  # the old code is not the new one's


def test_another_accounts_code_does_not_verify_my_number(people, sms):
    ani, ben = people["ani"], people["ben"]
    phone_start(user=ani, phone=NUMBER, channel="sms")
    phone_start(user=ben, phone="+6281100000002", channel="sms")
    ani_code = _code(sms.requests[0])
    with pytest.raises(InvalidInput):
        phone_verify(user=ben, code=ani_code)
    assert not ContactPoint.objects.filter(user=ben, verified_at__isnull=False).exists()


def test_pages_and_answers_show_the_number_masked_only(people, sms, client, token_for):
    ani = people["ani"]
    auth = {"HTTP_AUTHORIZATION": token_for(ani)}
    answers = [client.post("/api/v1/me/phone", {"phone": NUMBER}, content_type="application/json", **auth)]
    code = _code(sms.requests[0])
    answers.append(
        client.post("/api/v1/me/phone/verify", {"code": code}, content_type="application/json", **auth)
    )
    answers.append(client.get("/api/v1/me/notification-settings", **auth))
    answers.append(logged_in(ani).get("/notifications/settings/"))
    for answer in answers:
        body = answer.content.decode()
        assert answer.status_code in (200, 202)
        assert NUMBER not in body and NUMBER[1:] not in body, answer.request["PATH_INFO"]
    assert "+628110000****" in answers[-1].content.decode()


# --- the e-mail link -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["garbage", "someone_elses", "old_address", "tampered", "expired"])
def test_an_email_link_verifies_only_this_persons_current_address(people, monkeypatch, case):
    ani, ben = people["ani"], people["ben"]
    token = email_verification_token(ani)
    if case == "garbage":
        token = "not-a-token"
    elif case == "someone_elses":
        token = email_verification_token(ben)
    elif case == "old_address":
        ani.email = "ani.new@example.org"
        ani.save(update_fields=["email"])
    elif case == "tampered":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif case == "expired":
        monkeypatch.setattr("portal.notifications.verification.EMAIL_LINK_MAX_AGE", -1)
    assert verify_email(user=ani, token=token) is False
    assert not ContactPoint.objects.filter(user=ani, channel="email").exists()


def test_asking_for_the_link_again_and_again_sends_at_most_five_an_hour(people):
    client = logged_in(people["ani"])
    answers = [client.post("/notifications/settings/verify-email/", follow=True) for _ in range(7)]
    assert len(mail.outbox) == 5
    assert "Anda terlalu sering meminta" in answers[-1].content.decode()


def test_an_address_changed_after_verification_gets_nothing_already_queued(people, settings):
    ani = people["ani"]
    ani.is_superuser = True
    ani.save(update_fields=["is_superuser"])
    assert verify_email(user=ani, token=email_verification_token(ani))
    (n,) = notify(recipients=[ani], kind="referral.sent", params={"case": "APM-1", "service": "Akta"})
    assert NotificationDelivery.objects.filter(notification=n, channel="email").exists()
    ani.email = "attacker@example.org"  # changed (by whoever) before the worker sent it
    ani.save(update_fields=["email"])
    run_deliveries(now=timezone.now() + dt.timedelta(minutes=1))
    row = NotificationDelivery.objects.get(notification=n, channel="email")
    assert (row.status, row.last_error) == ("skipped", "no verified address")
    assert mail.outbox == []


# --- Web Push subscriptions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1.nip.io/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://evilfcm.googleapis.com/x",
        "https://fcm.googleapis.com:8443/x",  # an odd port
        "https://fcm.googleapis.com:22/x",
        "https://fcm.googleapis.com@127.0.0.1/x",  # userinfo: the host is 127.0.0.1
        "https://user:pw@fcm.googleapis.com/x",
        "https://fcm.googleapis.com\\@127.0.0.1/x",
        "https://fcm.googleapis.com:99999/x",  # not a port
        "file:///etc/passwd",
        "gopher://fcm.googleapis.com/x",
        "//fcm.googleapis.com/x",
        "",
    ],
)
def test_a_subscription_endpoint_must_be_a_browsers_push_service(people, endpoint):
    with pytest.raises(InvalidInput) as err:
        push_subscribe(user=people["ani"], endpoint=endpoint, p256dh=P256DH, auth=AUTH)
    assert "endpoint" in err.value.errors
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://fcm.googleapis.com:443/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
        "https://web.push.apple.com/QGx",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
def test_the_browsers_push_services_are_accepted(people, endpoint):
    push_subscribe(user=people["ani"], endpoint=endpoint, p256dh=P256DH, auth=AUTH)
    assert PushSubscription.objects.filter(endpoint=endpoint).exists()


@pytest.mark.parametrize(
    ("p256dh", "auth"),
    [
        ("", AUTH),
        (P256DH, ""),
        ("B" + "A" * 80, AUTH),  # too short
        (P256DH, "A" * 30),  # too long
        ("not base64!", AUTH),
        (P256DH + "==x", AUTH),
        ("B" * 199, AUTH),
    ],
)
def test_invalid_keys_are_refused(people, p256dh, auth):
    with pytest.raises(InvalidInput):
        push_subscribe(user=people["ani"], endpoint="https://fcm.googleapis.com/x", p256dh=p256dh, auth=auth)


def test_huge_subscriptions_are_refused_by_the_api(people, client, token_for):
    auth = {"HTTP_AUTHORIZATION": token_for(people["ani"])}
    for body in (
        {"endpoint": "https://fcm.googleapis.com/" + "x" * 5000, "keys": {"p256dh": P256DH, "auth": AUTH}},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "B" * 5000, "auth": AUTH}},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": P256DH, "auth": "A" * 5000}},
    ):
        r = client.post("/api/v1/me/push-subscriptions", body, content_type="application/json", **auth)
        assert r.status_code == 422, r.content
    assert not PushSubscription.objects.exists()


def test_someone_elses_subscription_cannot_be_removed(people, client, token_for):
    ani, ben = people["ani"], people["ben"]
    sub = push_subscribe(user=ani, endpoint="https://fcm.googleapis.com/ani", p256dh=P256DH, auth=AUTH)
    with pytest.raises(NotFound):
        push_unsubscribe(user=ben, subscription_id=sub.pk)
    r = client.delete(f"/api/v1/me/push-subscriptions/{sub.pk}", HTTP_AUTHORIZATION=token_for(ben))
    assert r.status_code == 404
    logged_in(ben).post(f"/notifications/settings/devices/{sub.pk}/remove/")
    assert PushSubscription.objects.filter(pk=sub.pk, user=ani).exists()


def test_a_shared_device_belongs_to_whoever_subscribed_it_last(people):
    ani, ben = people["ani"], people["ben"]
    endpoint = "https://fcm.googleapis.com/shared"
    push_subscribe(user=ani, endpoint=endpoint, p256dh=P256DH, auth=AUTH)
    push_subscribe(user=ben, endpoint=endpoint, p256dh=P256DH, auth=AUTH)
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [ben.pk]  # Ani's news stop


def test_log_out_everywhere_ends_the_push_of_a_lost_phone(people):
    ani, ben = people["ani"], people["ben"]
    push_subscribe(user=ani, endpoint="https://fcm.googleapis.com/lost", p256dh=P256DH, auth=AUTH)
    push_subscribe(user=ben, endpoint="https://fcm.googleapis.com/ben", p256dh=P256DH, auth=AUTH)
    logged_in(ani).post("/accounts/logout/everywhere/")
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [ben.pk]


def test_a_person_has_at_most_ten_devices_the_newest(people, settings):
    ani = people["ani"]
    for i in range(13):
        push_subscribe(user=ani, endpoint=f"https://fcm.googleapis.com/d{i}", p256dh=P256DH, auth=AUTH)
    kept = sorted(PushSubscription.objects.filter(user=ani).values_list("endpoint", flat=True))
    assert kept == sorted(f"https://fcm.googleapis.com/d{i}" for i in range(3, 13))
    push_subscribe(user=ani, endpoint="https://fcm.googleapis.com/d12", p256dh=P256DH, auth=AUTH)  # again
    assert PushSubscription.objects.filter(user=ani).count() == 10


# --- what leaves Pelita, for every kind ----------------------------------------------------------------------

# Parameters Pelita itself names (what a planted name may not be put into: an agency, a service, a forum).
NAMED_BY_PELITA = {
    "case": "APM-5202-00042",
    "service": "Akta kelahiran",
    "agency": "Dukcapil",
    "forum": "Forum Desa Sukamaju",
    "year": "2027",
    "when": "3 Des 2026 09:00",
    "due": "10 Des 2026",
}


def _wanted(kind: str) -> set[str]:
    with translation.override(None):
        return set(re.findall(r"%\((\w+)\)s", str(KINDS[kind])))


def _params(kind: str) -> dict:
    wanted = _wanted(kind)
    # Every typed parameter (a title, a thread, an action item, a reason, a person) holds the child's name, and
    # so do the extras a careless caller passes.
    return {p: NAMED_BY_PELITA.get(p, f"Kasus {CHILD}") for p in wanted} | {"child": CHILD, "note": CHILD}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_channel_carries_a_childs_name_for_any_kind(people, kind):
    ani = people["ani"]
    actor = make_user(display_name=CHILD)
    params = _params(kind)
    params.pop("actor", None)  # from the actor's display name
    notes = notify(recipients=[ani], kind=kind, params=params, actor=actor)
    notes += notify(recipients=[ani], kind=kind, params=params, actor=actor)
    n = notes[0]
    if _wanted(kind) - set(NAMED_BY_PELITA):
        assert CHILD in n.text  # the plant is there, inside Pelita
    rendered = []
    for mode, items in (("single", notes[:1]), ("digest", notes), ("reminder", notes)):
        email = build_email(user=ani, notifications=items, mode=mode)
        rendered += [email.subject, email.body]
    for items in (notes[:1], notes):
        message = Message(user=ani, address=NUMBER, notifications=items, delivery_ids=[1])
        rendered += [phone_text(message), str(push_payload(message))]
    for text in rendered:
        assert CHILD not in text and "Baiq" not in text, (kind, text)


# --- deliveries whose person, access or address changed ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("deactivated", "account inactive"),
        ("phone_removed", "no verified address"),
        ("phone_changed", "no verified address"),
    ],
)
def test_a_queued_delivery_is_not_sent_when_things_changed(people, sms, change, reason):
    ani = people["ani"]
    ani.is_superuser = True
    ani.save(update_fields=["is_superuser"])
    ContactPoint.objects.create(user=ani, channel="phone", address=NUMBER, verified_at=timezone.now())
    NotificationSettings.objects.create(user=ani, quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0))
    (n,) = notify(recipients=[ani], kind="referral.sent", params={"case": "APM-1", "service": "Akta"})
    if change == "deactivated":
        ani.is_active = False
        ani.save(update_fields=["is_active"])
    elif change == "phone_removed":
        ContactPoint.objects.filter(user=ani).delete()
    elif change == "phone_changed":
        phone_start(user=ani, phone="+6281100000009", channel="sms")
        sms.requests.clear()
    run_deliveries(now=timezone.now() + dt.timedelta(minutes=1))
    row = NotificationDelivery.objects.get(notification=n, channel="sms")
    assert (row.status, row.last_error) == ("skipped", reason)
    assert sms.requests == []


# --- a provider's error in a reason --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "kept"),
    [
        ("twilio 400 (21211): The 'To' number +6281100000001 is not a valid phone number.", "(21211)"),
        ("whatsapp 400 (131026): Message undeliverable to 6281100000001", "(131026)"),
        ("sms gateway 400: invalid phone number 0811-0000-0001", "sms gateway 400"),
        ("gateway said +62 811 0000 0001 unknown", "gateway said"),
    ],
)
def test_a_providers_error_keeps_no_phone_number(reason, kept):
    failure = PermanentFailure(reason)
    assert kept in failure.reason and "0000" not in failure.reason and "[number]" in failure.reason
    assert redact_reason(reason) == failure.reason


# --- the settings PUT ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"quiet_start": "24:00"},
        {"quiet_end": "23:60"},
        {"quiet_start": "7:00"},
        {"quiet_start": "07:00:00"},
        {"unread_email_after": 17},
        {"unread_email_after": -240},
        {"kinds": [{"kind": "referral.sent", "delivery": "off", "muted_channels": []}]},  # not Ani's
        {"kinds": [{"kind": "no.such", "delivery": "off", "muted_channels": []}]},
        {"kinds": [{"kind": "forum.reply", "delivery": "loud", "muted_channels": []}]},
        {"kinds": [{"kind": "forum.reply", "delivery": "off", "muted_channels": ["pigeon"]}]},
        {"kinds": [{"kind": "forum.reply", "delivery": "off", "muted_channels": [1]}]},
        {"kinds": [{"kind": "forum.reply", "delivery": "off", "muted_channels": ["email"] * 11}]},
    ],
)
def test_settings_put_refuses_what_is_not_a_choice_and_changes_nothing(areas, client, token_for, body):
    from portal.areas.models import Area, Level
    from portal.notifications.models import NotificationPreference
    from tests.factories import make_member

    cadre = make_member(Area.objects.filter(level=Level.VILLAGE).first(), role="anggota")
    auth = {"HTTP_AUTHORIZATION": token_for(cadre)}
    ok = {"kinds": [{"kind": "forum.reply", "delivery": "off", "muted_channels": ["email"]}]}
    r = client.put("/api/v1/me/notification-settings", ok, content_type="application/json", **auth)
    assert r.status_code == 200, r.content  # the cadre's own kind: a choice
    NotificationPreference.objects.all().delete()
    r = client.put("/api/v1/me/notification-settings", body, content_type="application/json", **auth)
    assert r.status_code == 422, (body, r.content)
    assert not NotificationPreference.objects.exists() and not NotificationSettings.objects.exists()
