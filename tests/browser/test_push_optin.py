"""Web Push in Chromium at 360 px (issue 13): a Dukcapil liaison switches push on for her phone from the
notifications settings page (the real /sw.js registers, the page subscribes with the server's VAPID key and
sends the subscription to the API); a case worker then refers a child to Dukcapil; the liaison's device
receives an encrypted push within the delivery run, which the test decrypts with the device's keys: the text
names the kind and the case code, never the child. The one piece the browser cannot do without the internet,
its push service's registration (pushManager.subscribe talks to the browser vendor's server), is replaced by a
subscription whose endpoint is a local fake push service; everything else is the real page and worker."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.notifications.delivery import run_deliveries
from portal.notifications.models import NotificationSettings, PushSubscription
from tests.factories import TEST_PASSWORD
from tests.notifications.test_push import Device, b64, push_service  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Lalu Ahmad Fadli"
JAGO = "52.02.01.2013"

STUB = """
(sub) => {
  window.__pelitaPushCalls = [];
  PushManager.prototype.subscribe = async function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    window.__pelitaPushCalls.push({ userVisibleOnly: options.userVisibleOnly, keyLength: key.length, first: key[0] });
    return { endpoint: sub.endpoint, toJSON: () => sub };
  };
}
"""


def test_a_liaison_switches_push_on_and_a_new_referral_reaches_her_phone_without_the_name(
    asgi_server,
    demo,
    browser,
    artifacts_dir,
    push_service,  # noqa: F811 - the fixture imported above
    monkeypatch,
):
    from portal.agencies.models import Agency, Service
    from portal.areas.models import Area
    from referrals.services import case_register, consent_record, referral_create

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    liaison = demo["users"]["dukcapil_loteng_1"]
    # No quiet hours in this test: the real clock must not decide it (quiet hours have their own tests).
    NotificationSettings.objects.update_or_create(
        user=liaison,
        defaults={"quiet_start": timezone.datetime.min.time(), "quiet_end": timezone.datetime.min.time()},
    )
    device = Device()
    subscription = {
        "endpoint": push_service.endpoint("liaison-phone"),
        "expirationTime": None,
        "keys": {"p256dh": b64(device.public), "auth": b64(device.auth)},
    }
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        context.grant_permissions(["notifications"], origin=base)
        context.add_init_script(f"({STUB})({json.dumps(subscription)})")
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Nama pengguna").fill("dukcapil_loteng_1")
        page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{base}/home/")
        page.goto(f"{base}/notifications/settings/")
        button = page.get_by_role("button", name="Terima pemberitahuan di perangkat ini")
        expect(button).to_be_visible()
        button.click()
        # The page reloads with this device listed (and a "Remove" button for it).
        expect(page.locator(".notif-devices li")).to_have_count(1, timeout=30000)
        row = PushSubscription.objects.get(user=liaison)
        assert row.endpoint == subscription["endpoint"] and row.p256dh == subscription["keys"]["p256dh"]
        # The real service worker of the site root controls the page's scope.
        scope = page.evaluate("navigator.serviceWorker.getRegistration('/').then(r => r && r.scope)")
        assert scope == f"{base}/"
        page.screenshot(path=str(artifacts_dir / "push-optin-phone.png"), full_page=True)

        # The Desa Jago case worker registers a boy, records consent and refers him to Dukcapil (KIA).
        worker, agency = demo["users"]["pendamping_jago"], Agency.objects.get(group__user=liaison)
        case = case_register(
            actor=worker,
            area=Area.objects.get(code=JAGO),
            child_name=CHILD,
            sex="M",
            birth_date=dt.date(dt.date.today().year - 7, 3, 14),
            caregiver_name="Inaq Saenah",
            caregiver_relation="nenek",
            parent_abroad="mother",
            destination_country="Malaysia",
        )
        consent_record(
            actor=worker, code=case.code, given_by="Inaq Saenah", relation="nenek", agencies=[agency]
        )
        referral_create(
            actor=worker,
            code=case.code,
            agency=agency,
            service=Service.objects.get(slug="kia"),
            note=f"{CHILD} belum punya KIA.",
        )
        run_deliveries(now=timezone.now() + timezone.timedelta(minutes=1))
        received = [r for r in push_service.received if r["path"] == "/push/liaison-phone"]
        assert received, "the liaison's device received no push"
        payload = device.decrypt(received[-1]["body"])
        assert case.code in payload["body"] and CHILD not in json.dumps(payload)
        assert payload["url"].startswith("/notifications/")
        # The device can be removed from the page, and nothing is pushed to it afterwards.
        page.locator(".notif-devices li").get_by_role("button", name="Hapus").click()
        expect(page.locator(".notif-devices li")).to_have_count(0)
        assert not PushSubscription.objects.filter(user=liaison).exists()
    finally:
        context.close()
