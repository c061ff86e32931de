"""SMS (SMS Gateway for Android) and WhatsApp (Business Cloud API) against local fake servers (issue 13): the
number is verified by a one-time code first; messages are short, in the person's language, with the case code
and a link, never a name; several within minutes become one; quiet hours hold them back (urgent child
protection excepted); rate limits are retried, an invalid number or an expired token is recorded, and nothing
is ever raised into the action."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from portal.core.workdays import WITA
from portal.notifications.channels import reset_channels
from portal.notifications.delivery import MAX_ATTEMPTS, run_deliveries
from portal.notifications.kinds import URGENCY_CHECKS, register_urgency_check
from portal.notifications.models import ContactPoint, NotificationDelivery, NotificationSettings
from portal.notifications.services import notify
from tests.notifications import fake_providers as fp

pytestmark = pytest.mark.django_db
CHILD = "Lalu Ahmad Fauzan"
REFERRAL = {"case": "APM-5202-00042", "service": "Akta kelahiran", "agency": "Dukcapil"}


@pytest.fixture
def providers(settings):
    with fp.fake_sms_gateway() as sms, fp.fake_whatsapp() as wa:
        settings.PELITA_NOTIFY_CHANNELS = {
            "sms": {
                "BACKEND": "portal.notifications.channels.phone.SMSGatewayChannel",
                "OPTIONS": {"url": sms.url, "username": "pelita", "password": "secret"},
            },
            "whatsapp": {
                "BACKEND": "portal.notifications.channels.phone.WhatsAppCloudChannel",
                "OPTIONS": {"url": wa.url, "phone_number_id": "1234567890", "token": "wa-token"},
            },
        }
        settings.PELITA_NOTIFY_BACKOFF_BASE = 30
        reset_channels()
        yield {"sms": sms, "wa": wa}
        reset_channels()
        assert sms.errors == [] and wa.errors == []  # every request had the documented shape


def with_phone(user, number="+6281100000001"):
    user.is_superuser = True  # receives every kind
    user.save(update_fields=["is_superuser"])
    ContactPoint.objects.create(user=user, channel="phone", address=number, verified_at=timezone.now())
    # No quiet hours unless a test sets them (the real clock must not decide a test).
    NotificationSettings.objects.create(user=user, quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0))
    return user


def later(minutes=1):
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_phone_verification_by_a_one_time_code(people, providers, client, token_for):
    ani = people["ani"]
    auth = {"HTTP_AUTHORIZATION": token_for(ani)}
    r = client.post(
        "/api/v1/me/phone",
        {"phone": "0811-0000-0001", "channel": "sms"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 202, r.content
    assert r.json() == {"phone": "+628110000****", "verified": False}
    (request,) = providers["sms"].requests
    assert request["phoneNumbers"] == ["+6281100000001"]
    code = re.search(r"\b(\d{6})\b", request["message"]).group(1)
    assert "kode Anda" in request["message"]  # in Ani's language
    wrong = "000000" if code != "000000" else "111111"
    r = client.post("/api/v1/me/phone/verify", {"code": wrong}, content_type="application/json", **auth)
    assert r.status_code == 422 and "code" in r.json()["errors"]
    assert not ContactPoint.objects.filter(verified_at__isnull=False).exists()
    r = client.post("/api/v1/me/phone/verify", {"code": code}, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["verified"] is True
    settings_body = client.get("/api/v1/me/notification-settings", **auth).json()
    assert {c["channel"]: c["verified"] for c in settings_body["channels"]} == {"sms": True, "whatsapp": True}
    r = client.post("/api/v1/me/phone", {"phone": "12"}, content_type="application/json", **auth)
    assert r.status_code == 422 and "phone" in r.json()["errors"]


def test_a_wrong_code_five_times_locks_the_code(people, providers):
    from portal.core.errors import InvalidInput
    from portal.notifications.phones import phone_start, phone_verify

    ani = people["ani"]
    phone_start(user=ani, phone="+6281100000001", channel="whatsapp")
    code = re.search(r"\b(\d{6})\b", fp.wa_text(providers["wa"].requests[0])).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput):
            phone_verify(user=ani, code=wrong)
    with pytest.raises(InvalidInput):
        phone_verify(user=ani, code=code)  # too many tries: ask for a new code


def test_a_new_referral_reaches_sms_and_whatsapp_in_indonesian_without_a_name(
    people, providers, django_capture_on_commit_callbacks
):
    ani = with_phone(people["ani"])
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(
            recipients=[ani], kind="referral.sent", params={**REFERRAL, "child": CHILD}, url="/c/1/"
        )
        # A thread's title may hold a child's name: it never goes to a phone
        notify(recipients=[ani], kind="forum.mention", params={"actor": "Dewi", "thread": f"Akta {CHILD}"})
    assert run_deliveries(now=later()) == {"sent": 2}  # one per channel: the two collapsed into one message
    (sms,), (wa,) = providers["sms"].requests, providers["wa"].requests
    for text in (fp.sms_text(sms), fp.wa_text(wa)):
        assert CHILD not in text and "Dewi" not in text
        assert "APM-5202-00042" in text and "http://127.0.0.1:8000/notifications/" in text
        assert text.startswith("Pelita: 2 pemberitahuan baru")
    assert wa["to"] == "6281100000001" and wa["template"]["language"] == {"code": "id"}
    rows = NotificationDelivery.objects.filter(notification=made[0])
    assert {(r.channel, r.status) for r in rows} == {("sms", "sent"), ("whatsapp", "sent")}
    assert rows.get(channel="whatsapp").provider_id.startswith("wamid.")


def test_one_message_per_event_names_the_case_and_links_to_it(
    people, providers, django_capture_on_commit_callbacks
):
    ben = with_phone(people["ben"])  # English
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(recipients=[ben], kind="referral.sent", params=REFERRAL)
    run_deliveries(now=later())
    text = fp.sms_text(providers["sms"].requests[0])
    assert (
        text
        == f"Pelita: A new referral for my agency APM-5202-00042. http://127.0.0.1:8000/notifications/{n.pk}/"
    )


def test_quiet_hours_hold_back_except_urgent_child_protection(
    people, providers, django_capture_on_commit_callbacks
):
    ani = with_phone(people["ani"])
    NotificationSettings.objects.filter(user=ani).update(quiet_start=dt.time(21, 0), quiet_end=dt.time(6, 0))
    night = dt.datetime(2026, 12, 2, 22, 30, tzinfo=WITA)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.message", params=REFERRAL)
    NotificationDelivery.objects.update(created_at=night - dt.timedelta(minutes=1), next_attempt_at=night)
    assert run_deliveries(now=night) == {"queued": 2}
    assert providers["sms"].requests == []
    assert set(NotificationDelivery.objects.values_list("next_attempt_at", flat=True)) == {
        dt.datetime(2026, 12, 3, 6, 0, tzinfo=WITA)
    }
    assert run_deliveries(now=dt.datetime(2026, 12, 3, 6, 0, 1, tzinfo=WITA)) == {"sent": 2}
    # Urgent child protection goes out at night
    previous = URGENCY_CHECKS.get("referral.sent")
    register_urgency_check(kind="referral.sent", check=lambda n: True)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
        NotificationDelivery.objects.filter(status="queued").update(next_attempt_at=night, created_at=night)
        assert run_deliveries(now=night) == {"sent": 2}
    finally:  # put back what the products registered (referrals' urgency check)
        URGENCY_CHECKS.pop("referral.sent", None)
        if previous is not None:
            URGENCY_CHECKS["referral.sent"] = previous


@pytest.mark.parametrize(
    ("number", "final", "reason", "sms_final"),
    [
        (fp.FLAKY, "sent", "", "sent"),
        (fp.INVALID, "gave_up", "131026", "gave_up"),
        (fp.RATE_LIMITED, "gave_up", "130429", "gave_up"),
        (fp.EXPIRED, "gave_up", "190", "sent"),  # WhatsApp's token expired; the SMS gateway is fine
    ],
)
def test_failures_are_retried_and_finally_recorded_never_raised(
    people, providers, django_capture_on_commit_callbacks, number, final, reason, sms_final
):
    ani = with_phone(people["ani"], number)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params=REFERRAL)  # never raises
    moment = later()
    for _ in range(MAX_ATTEMPTS + 1):
        run_deliveries(now=moment)
        moment += dt.timedelta(hours=7)
    wa = NotificationDelivery.objects.get(channel="whatsapp")
    sms = NotificationDelivery.objects.get(channel="sms")
    assert wa.status == final and reason in wa.last_error
    assert sms.status == sms_final
    if number == fp.FLAKY:
        assert wa.attempts == 2 and sms.attempts == 2  # the rate limit, then sent
    elif number == fp.INVALID:
        assert wa.attempts == 1 and sms.attempts == 1  # not retried
        assert "invalid phone number" in sms.last_error
    else:
        assert wa.attempts == MAX_ATTEMPTS  # retried with backoff, then given up


def test_the_settings_page_verifies_a_phone_without_javascript(people, providers):
    from tests.notifications.conftest import logged_in

    ani = people["ani"]
    client = logged_in(ani)
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="phone"' in page and 'name="code"' not in page
    answer = client.post("/notifications/settings/phone/", {"phone": "0811 0000 0001"}, follow=True)
    assert "Kami telah mengirim kode ke ponsel Anda." in answer.content.decode()
    assert 'name="code"' in answer.content.decode()
    code = re.search(r"\b(\d{6})\b", providers["sms"].requests[0]["message"]).group(1)
    answer = client.post("/notifications/settings/phone/verify/", {"code": code}, follow=True)
    assert "Nomor telepon Anda sudah diverifikasi." in answer.content.decode()
    assert ContactPoint.objects.get(user=ani, channel="phone").verified_at is not None
