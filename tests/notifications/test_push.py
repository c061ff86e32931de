"""Web Push end to end without the internet (issue 13): a local HTTP server plays the browser's push service,
receives the encrypted request (RFC 8291 aes128gcm, VAPID), and the test decrypts it with the subscription's
own keys and checks the text (and that it holds no child's name); 404/410 drop the subscription; the API
subscribes (201) and unsubscribes; /sw.js and the manifest are served from the site root."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from portal.notifications.channels import reset_channels
from portal.notifications.delivery import run_deliveries
from portal.notifications.models import NotificationDelivery, NotificationSettings, PushSubscription
from portal.notifications.services import notify

pytestmark = pytest.mark.django_db
CHILD = "Lalu Ahmad Fauzan"
REFERRAL = {"case": "APM-5202-00042", "service": "Akta kelahiran", "agency": "Dukcapil"}


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Device:
    """A browser's side of a subscription: its ECDH key pair and auth secret."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.public = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.auth = os.urandom(16)

    def decrypt(self, body: bytes) -> dict:
        return json.loads(
            http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth, version="aes128gcm")
        )


class PushService:
    def __init__(self):
        self.received: list[dict] = []
        self.answer = {}  # path → status
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                status = fake.answer.get(self.path, 201)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push/{name}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service(settings):
    from py_vapid import Vapid02

    vapid = Vapid02()
    vapid.generate_keys()
    private_pem = vapid.private_pem().decode()
    service = PushService()
    settings.PELITA_NOTIFY_CHANNELS = {
        "push": {
            "BACKEND": "portal.notifications.channels.push.WebPushChannel",
            "OPTIONS": {"vapid_private_key": private_pem, "vapid_subject": "mailto:ops@example.org"},
        }
    }
    settings.PELITA_PUSH_SERVICE_HOSTS = ("127.0.0.1",)
    settings.PELITA_PUSH_SCHEMES = ("http", "https")
    settings.PELITA_PUSH_PORTS = None  # the local push service's port
    reset_channels()
    yield service
    reset_channels()
    service.close()


def subscribe(client, device: Device, endpoint: str, ua: str = ""):
    body = {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": b64(device.public), "auth": b64(device.auth)},
    }
    return client.post(
        "/api/v1/me/push-subscriptions", body, content_type="application/json", HTTP_USER_AGENT=ua
    )


def test_push_end_to_end_decrypted_by_the_device(people, push_service, django_capture_on_commit_callbacks):
    from tests.notifications.conftest import logged_in

    ani = people["ani"]
    ani.is_superuser = True
    ani.save(update_fields=["is_superuser"])
    NotificationSettings.objects.create(
        user=ani, quiet_start=timezone.datetime.min.time(), quiet_end=timezone.datetime.min.time()
    )
    client = logged_in(ani)
    phone, laptop = Device(), Device()
    r = subscribe(client, phone, push_service.endpoint("phone"))
    assert r.status_code == 201, r.content
    assert subscribe(client, laptop, push_service.endpoint("laptop")).status_code == 201
    listed = client.get("/api/v1/me/push-subscriptions").json()
    assert listed["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(
            recipients=[ani],
            kind="forum.mention",
            params={"actor": "Dewi", "thread": f"Akta {CHILD}"},
            url="/c/1/",
        )
    # at once: the task ran after commit
    assert {r["path"] for r in push_service.received} == {"/push/phone", "/push/laptop"}
    for request, device in (
        (r, phone if r["path"].endswith("phone") else laptop) for r in push_service.received
    ):
        headers = request["headers"]
        assert headers["content-encoding"] == "aes128gcm"
        assert headers["authorization"].startswith("vapid t=") and "k=" in headers["authorization"]
        assert int(headers["ttl"]) > 0
        assert CHILD.encode() not in request["body"]  # encrypted on the wire
        payload = device.decrypt(request["body"])
        assert payload["title"] == "Pelita" and payload["url"] == f"/notifications/{n.pk}/"
        assert payload["body"] == "Seseorang menyebut saya (@nama pengguna)" or "menyebut" in payload["body"]
        assert CHILD not in json.dumps(payload) and "Dewi" not in json.dumps(payload)
    assert NotificationDelivery.objects.get().status == "sent"


def test_an_expired_subscription_is_dropped(people, push_service, django_capture_on_commit_callbacks):
    from tests.notifications.conftest import logged_in

    ani = people["ani"]
    ani.is_superuser = True
    ani.save(update_fields=["is_superuser"])
    NotificationSettings.objects.create(
        user=ani, quiet_start=timezone.datetime.min.time(), quiet_end=timezone.datetime.min.time()
    )
    client = logged_in(ani)
    subscribe(client, Device(), push_service.endpoint("gone"))
    subscribe(client, Device(), push_service.endpoint("moved"))
    push_service.answer = {"/push/gone": 410, "/push/moved": 404}
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ani], kind="referral.sent", params=REFERRAL)
    assert not PushSubscription.objects.exists()
    delivery = NotificationDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("gave_up", "no subscribed device left")
    assert run_deliveries(now=timezone.now() + timezone.timedelta(days=1)) == {}


def test_subscriptions_api_checks_the_shape_and_the_owner(people, push_service):
    from tests.notifications.conftest import logged_in

    ani, ben = logged_in(people["ani"]), logged_in(people["ben"])
    device = Device()
    r = subscribe(ani, device, push_service.endpoint("a"))
    sub_id = r.json()["id"]
    # Not a push service: refused (Pelita never posts to an address a person typed)
    bad = {
        "endpoint": "http://10.0.0.1/internal",
        "keys": {"p256dh": b64(device.public), "auth": b64(device.auth)},
    }
    r = ani.post("/api/v1/me/push-subscriptions", bad, content_type="application/json")
    assert r.status_code == 422 and "endpoint" in r.json()["errors"]
    bad = {"endpoint": push_service.endpoint("b"), "keys": {"p256dh": "short", "auth": b64(device.auth)}}
    r = ani.post("/api/v1/me/push-subscriptions", bad, content_type="application/json")
    assert r.status_code == 422
    # Someone else's: 404, as if it did not exist
    assert ben.delete(f"/api/v1/me/push-subscriptions/{sub_id}").status_code == 404
    assert ani.delete(f"/api/v1/me/push-subscriptions/{sub_id}").status_code == 204
    assert not PushSubscription.objects.exists()


def test_the_service_worker_and_manifest_are_served_from_the_root(client):
    from portal.core.serviceworker import register_service_worker_part, service_worker_script

    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/"
    body = r.content.decode()
    assert "addEventListener('push'" in body and "notificationclick" in body
    # Another module adds its part to the same worker
    register_service_worker_part("zz.test", "self.__pelitaTest = 1;")
    try:
        assert "self.__pelitaTest = 1;" in service_worker_script()
    finally:
        from portal.core import serviceworker

        serviceworker._PARTS.pop("zz.test")
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    data = json.loads(manifest.content)
    assert data["start_url"] == "/" and {i["sizes"] for i in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    # Installable: every page names the manifest (the login page and the public site alike).
    for path in ("/accounts/login/", "/accounts/password_reset/"):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get(path).content.decode()


def test_the_settings_page_offers_push_and_lists_the_devices(people, push_service):
    from tests.notifications.conftest import logged_in

    ani = logged_in(people["ani"])
    page = ani.get("/notifications/settings/").content.decode()
    key = push_service and __import__("portal.notifications.channels", fromlist=["get_channel"]).get_channel(
        "push"
    )
    assert f'data-vapid-key="{key.application_server_key()}"' in page and "push-optin.js" in page
    sub_id = subscribe(
        ani, Device(), push_service.endpoint("a"), ua="Mozilla/5.0 (Linux; Android 14) Chrome/131"
    ).json()["id"]
    page = ani.get("/notifications/settings/").content.decode()
    assert "Chrome / Android" in page
    ani.post(f"/notifications/settings/devices/{sub_id}/remove/")
    assert not PushSubscription.objects.exists()
