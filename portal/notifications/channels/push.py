"""Web Push (VAPID, RFC 8291 aes128gcm) to every device the person subscribed, through pywebpush. The payload
is {"title", "body", "url"}: the kind and the case code (never a name: a lock screen is outside Pelita) and the
notification's link. A push service answering 404 or 410 drops that subscription."""

import json
import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import Channel, Message, PermanentFailure, TemporaryFailure

logger = logging.getLogger("pelita.notifications")


def push_payload(message: Message) -> dict:
    from django.urls import reverse

    from .phone import phone_text

    text = phone_text(message)
    body = text.removeprefix("Pelita: ").rsplit(" http", 1)[0]
    if len(message.notifications) == 1:
        url = reverse("notifications:open", args=[message.notifications[0].pk])
    else:
        url = reverse("notifications:list")
    return {"title": "Pelita", "body": body, "url": url}


class WebPushChannel(Channel):
    """OPTIONS: vapid_private_key (PEM or base64url raw), vapid_subject ("mailto:…"), ttl (seconds)."""

    label = gettext_lazy("Push on this device")
    phone = True  # a phone's lock screen: quiet hours apply
    collapse_seconds = 300
    hold_seconds = 0

    def vapid(self):
        """The VAPID key (PEM, or the raw key in base64url as `vapid --gen` prints it)."""
        from py_vapid import Vapid02

        if getattr(self, "_vapid", None) is None:
            key = self.options["vapid_private_key"].strip()
            if key.startswith("-----BEGIN"):
                self._vapid = Vapid02.from_pem(key.encode())
            else:
                self._vapid = Vapid02.from_string(private_key=key)
        return self._vapid

    def application_server_key(self) -> str:
        """The public key the browser subscribes with (base64url, uncompressed point)."""
        import base64

        from cryptography.hazmat.primitives import serialization

        raw = self.vapid().public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def address(self, user) -> str:
        from ..models import PushSubscription

        return "push" if PushSubscription.objects.filter(user=user).exists() else ""

    def send(self, message: Message) -> str:
        from pywebpush import WebPushException, webpush

        from ..models import PushSubscription

        data = json.dumps(push_payload(message))
        sent, temporary = 0, []
        for sub in PushSubscription.objects.filter(user=message.user):
            info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
            try:
                webpush(
                    subscription_info=info,
                    data=data,
                    vapid_private_key=self.vapid(),
                    vapid_claims={"sub": self.options.get("vapid_subject", "mailto:admin@pelita.local")},
                    ttl=int(self.options.get("ttl", 24 * 3600)),
                    timeout=10,
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):
                    sub.delete()  # expired or unsubscribed: dropped
                    continue
                temporary.append(f"push service {status}")
                continue
            except Exception as exc:  # the push service unreachable
                temporary.append(f"push service: {type(exc).__name__}")
                continue
            PushSubscription.objects.filter(pk=sub.pk).update(last_sent_at=timezone.now())
            sent += 1
        if sent:
            return f"{sent} device(s)"
        if temporary:
            raise TemporaryFailure("; ".join(temporary)[:300])
        raise PermanentFailure("no subscribed device left")
