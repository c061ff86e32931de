"""A person's Web Push subscriptions (one per device)."""

import base64
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.errors import InvalidInput, NotFound

from .models import PushSubscription

# The push services of the browsers people use (Chrome/Android, Firefox, Safari/iOS, Edge/Windows).
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "web.push.apple.com",
    "notify.windows.com",
)
# Devices per person: a new one beyond this replaces the oldest.
MAX_DEVICES = 10
_B64URL = re.compile(r"^[A-Za-z0-9_\-]+=*$")


def _is_push_service(endpoint: str) -> bool:
    """Only a browser's push service, over https on its default port, named by its host name: Pelita never
    posts to an address a person typed (no requests into the server's own network: no IP literal, no
    "user@host", no odd port, no other scheme)."""
    try:
        parts = urlsplit(endpoint or "")
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    allowed = getattr(settings, "PELITA_PUSH_SERVICE_HOSTS", PUSH_SERVICE_HOSTS)
    if parts.scheme not in getattr(settings, "PELITA_PUSH_SCHEMES", ("https",)):
        return False
    if "@" in parts.netloc or parts.fragment or any(c in endpoint for c in "\\ \t\r\n"):
        return False
    ports = getattr(settings, "PELITA_PUSH_PORTS", (443,))  # None: any (the tests' local push service)
    if port is not None and ports is not None and port not in ports:
        return False
    return any(host == h or host.endswith("." + h) for h in allowed)


def _device(user_agent: str) -> str:
    ua = user_agent or ""
    browser = next((b for b in ("Edg", "Firefox", "Chrome", "Safari") if b in ua), "")
    system = next((s for s in ("Android", "iPhone", "Windows", "Mac OS", "Linux") if s in ua), "")
    return " / ".join(x for x in ({"Edg": "Edge"}.get(browser, browser), system) if x)[:120]


def _check_key(value: str, *, field: str, size: int | None) -> None:
    msg = _("Not a key of a push subscription.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)) if _B64URL.match(value or "") else b""
    except ValueError:
        raw = b""
    if not raw or (size is not None and len(raw) != size):
        raise InvalidInput(msg, errors={field: [msg]})


@transaction.atomic
def push_subscribe(*, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    if not _is_push_service(endpoint):
        msg = _("This is not the address of a browser's push service.")
        raise InvalidInput(msg, errors={"endpoint": [msg]})
    _check_key(p256dh, field="keys.p256dh", size=65)
    _check_key(auth, field="keys.auth", size=16)
    PushSubscription.objects.select_for_update().filter(user=user).exists()  # one subscribe at a time
    others = PushSubscription.objects.filter(user=user).exclude(endpoint=endpoint).order_by("-pk")
    cap = getattr(settings, "PELITA_PUSH_MAX_DEVICES", MAX_DEVICES)
    stale = list(others.values_list("pk", flat=True)[cap - 1 :])
    if stale:
        # A new device beyond the cap replaces the oldest ones (a phone reset many times leaves old ones).
        PushSubscription.objects.filter(pk__in=stale).delete()
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "device": _device(user_agent)},
    )
    return sub


@transaction.atomic
def push_unsubscribe(*, user, subscription_id: int) -> None:
    deleted, _rows = PushSubscription.objects.filter(pk=subscription_id, user=user).delete()
    if not deleted:
        raise NotFound(_("This subscription does not exist or is not yours."))


def push_unsubscribe_all(*, user) -> int:
    """Drop every device of the person ("log out everywhere": a lost phone's lock screen shows no more notices).
    Returns how many were dropped."""
    deleted, _rows = PushSubscription.objects.filter(user=user).delete()
    return deleted
