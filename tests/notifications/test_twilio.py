"""Twilio as the SMS backend (issue 13: "plus Twilio if it is cheap to add"), against a local fake that checks
Twilio's documented request (form-encoded To/Body/From, Basic auth with the account SID) and answers its
documented success and errors: sent, a rate limit retried then sent, an invalid number given up at once, a
rate limit that never ends given up after the retries; nothing raised into the action, no name in the text."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.notifications.channels import reset_channels
from portal.notifications.delivery import MAX_ATTEMPTS, run_deliveries
from portal.notifications.models import NotificationDelivery
from portal.notifications.services import notify
from tests.notifications import fake_providers as fp
from tests.notifications.test_phone_channels import CHILD, REFERRAL, with_phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def twilio(settings):
    with fp.fake_twilio() as fake:
        settings.PELITA_NOTIFY_CHANNELS = {
            "sms": {
                "BACKEND": "portal.notifications.channels.phone.TwilioSMSChannel",
                "OPTIONS": {
                    "url": fake.url,
                    "account_sid": fp.TWILIO_SID,
                    "auth_token": "twilio-token",
                    "from_number": "+15005550006",
                },
            }
        }
        settings.PELITA_NOTIFY_BACKOFF_BASE = 30
        reset_channels()
        yield fake
        reset_channels()
        assert fake.errors == []  # every request had Twilio's documented shape


@pytest.mark.parametrize(
    ("number", "status", "attempts", "reason"),
    [
        ("+6281100000001", "sent", 1, ""),
        (fp.FLAKY, "sent", 2, ""),
        (fp.INVALID, "gave_up", 1, "21211"),
        (fp.RATE_LIMITED, "gave_up", MAX_ATTEMPTS, "20429"),
    ],
)
def test_twilio_sends_retries_and_gives_up_as_documented(
    people, twilio, django_capture_on_commit_callbacks, number, status, attempts, reason
):
    ani = with_phone(people["ani"], number)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params={**REFERRAL, "child": CHILD})  # never raises
    moment = timezone.now() + dt.timedelta(minutes=1)
    for _ in range(MAX_ATTEMPTS + 1):
        run_deliveries(now=moment)
        moment += dt.timedelta(hours=7)
    row = NotificationDelivery.objects.get(channel="sms")
    assert (row.status, row.attempts) == (status, attempts)
    assert reason in row.last_error
    if status == "sent":
        assert row.provider_id.startswith("SM")
    request = twilio.requests[-1]
    assert request["To"] == number and request["From"] == "+15005550006"
    assert CHILD not in request["Body"] and "APM-5202-00042" in request["Body"]
    assert request["Body"].startswith("Pelita: ")
