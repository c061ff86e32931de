"""Issue 13's "done when", end to end through the real referral services: a Dukcapil liaison who never opens
Pelita, with a verified e-mail address, a verified phone (SMS and WhatsApp) and a phone subscribed to Web Push,
learns of a new referral for her agency within a minute on all four, in Indonesian, with the case code and a
link, never the child's name (planted in the referral's note and the case). The e-mail goes at once; the phone
channels after their collapse window (30 s), pushed by the worker's next run; the local fakes check each
provider's documented request shape."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from portal.notifications.channels import reset_channels
from portal.notifications.delivery import run_deliveries
from portal.notifications.models import ContactPoint, NotificationDelivery, NotificationSettings
from tests.notifications import fake_providers as fp
from tests.notifications.test_push import Device, push_service, subscribe  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
CHILD = "Baiq Nurul Hidayati"
JAGO = "52.02.01.2013"


def test_a_liaison_who_never_opens_pelita_hears_of_a_new_referral_everywhere_without_the_name(
    demo,
    settings,
    push_service,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    from portal.agencies.models import Agency, Service
    from portal.areas.models import Area
    from referrals.services import case_register, consent_record, referral_create
    from tests.notifications.conftest import logged_in

    liaison, worker = demo["users"]["dukcapil_loteng_1"], demo["users"]["pendamping_jago"]
    liaison.email = "liaison@dukcapil.example.go.id"
    liaison.language = "id"
    liaison.save(update_fields=["email", "language"])
    now = timezone.now()
    ContactPoint.objects.update_or_create(
        user=liaison, channel="email", defaults={"address": liaison.email, "verified_at": now}
    )
    ContactPoint.objects.update_or_create(
        user=liaison, channel="phone", defaults={"address": "+6281100000001", "verified_at": now}
    )
    NotificationSettings.objects.update_or_create(  # no quiet hours: the real clock must not decide the test
        user=liaison, defaults={"quiet_start": dt.time(0, 0), "quiet_end": dt.time(0, 0)}
    )
    device = Device()
    with fp.fake_sms_gateway() as sms, fp.fake_whatsapp() as wa:
        settings.PELITA_NOTIFY_CHANNELS = {
            **settings.PELITA_NOTIFY_CHANNELS,
            "email": {"BACKEND": "portal.notifications.channels.email.EmailChannel"},
            "sms": {
                "BACKEND": "portal.notifications.channels.phone.SMSGatewayChannel",
                "OPTIONS": {"url": sms.url, "username": "pelita", "password": "secret"},
            },
            "whatsapp": {
                "BACKEND": "portal.notifications.channels.phone.WhatsAppCloudChannel",
                "OPTIONS": {"url": wa.url, "phone_number_id": "1234567890", "token": "wa-token"},
            },
        }
        reset_channels()
        try:
            assert subscribe(logged_in(liaison), device, push_service.endpoint("phone")).status_code == 201
            agency = Agency.objects.get(group__user=liaison)
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                case = case_register(
                    actor=worker,
                    area=Area.objects.get(code=JAGO),
                    child_name=CHILD,
                    sex="F",
                    birth_date=dt.date(dt.date.today().year - 5, 8, 17),
                    caregiver_name="Inaq Rahmah",
                    caregiver_relation="nenek",
                    parent_abroad="both",
                    destination_country="Malaysia",
                )
            with django_capture_on_commit_callbacks(execute=True):
                consent_record(
                    actor=worker, code=case.code, given_by="Inaq Rahmah", relation="nenek", agencies=[agency]
                )
            with django_capture_on_commit_callbacks(execute=True):
                referral_create(
                    actor=worker,
                    code=case.code,
                    agency=agency,
                    service=Service.objects.get(slug="akta-kelahiran"),
                    note=f"{CHILD} belum punya akta kelahiran.",
                )
            # E-mail at once (after commit, by the task); the phones and push within the minute.
            to_liaison = [m for m in mail.outbox if m.to == [liaison.email]]
            assert len(to_liaison) == 1, [m.to for m in mail.outbox]
            run_deliveries(now=timezone.now() + dt.timedelta(minutes=1))
        finally:
            reset_channels()
        message = to_liaison[0]
        email_text = (
            message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        )
        texts = {
            "email": email_text,
            "sms": fp.sms_text(sms.requests[-1]),
            "whatsapp": fp.wa_text(wa.requests[-1]),
        }
        pushed = [r for r in push_service.received if r["path"] == "/push/phone"]
        assert pushed, "no push reached the liaison's phone"
        texts["push"] = json.dumps(device.decrypt(pushed[-1]["body"]), ensure_ascii=False)
        assert sms.errors == [] and wa.errors == []
    assert sms.requests[-1]["phoneNumbers"] == ["+6281100000001"]
    assert wa.requests[-1]["template"]["language"] == {"code": "id"}
    for channel, text in texts.items():
        assert case.code in text, channel
        assert "ujukan" in text, (channel, text)  # Indonesian: "rujukan"
        assert CHILD not in text and CHILD.split()[-1] not in text, channel
        assert "Inaq Rahmah" not in text, channel
    rows = NotificationDelivery.objects.filter(
        notification__recipient=liaison, notification__kind="referral.sent"
    )
    assert {(r.channel, r.status) for r in rows} == {
        ("email", "sent"),
        ("sms", "sent"),
        ("whatsapp", "sent"),
        ("push", "sent"),
    }
