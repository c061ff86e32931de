"""Delivery channels: one interface, a small backend each, chosen in settings.

    PELITA_NOTIFY_CHANNELS = {
        "email": {"BACKEND": "portal.notifications.channels.email.EmailChannel"},
        "sms": {"BACKEND": "portal.notifications.channels.sms.ConsoleSMSChannel"},
        ...
    }

A channel turns one or more notifications for one person into one message and sends it to the person's
verified address for that channel. It answers with the provider's id, or raises TemporaryFailure (retried with
backoff) or PermanentFailure (given up at once: an invalid number, an expired subscription). It never sees more
than the notification's text, link and kind: a case is named by its code, never by the child."""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# A phone number (or any long run of digits: an account id) in a provider's error message ("The 'To' number
# +62811… is not a valid phone number."): never kept in a delivery's reason, shown in pages and logs.
_NUMBER = re.compile(r"\+?\d(?:[\s\-().]?\d){6,}")


def redact_reason(reason: str) -> str:
    return _NUMBER.sub("[number]", str(reason or ""))


class DeliveryFailure(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None):
        reason = redact_reason(reason)[:300]
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class TemporaryFailure(DeliveryFailure):
    """Try again later (a rate limit, a timeout, the provider down)."""


class PermanentFailure(DeliveryFailure):
    """Do not try again (an invalid number, an expired token or subscription)."""


@dataclass
class Message:
    """What a channel sends: the notifications (newest last), in the recipient's language."""

    user: object
    address: str
    notifications: list
    delivery_ids: list[int]

    @property
    def key(self) -> str:
        """Stable per delivery: the provider's deduplication key where it has one."""
        return f"pelita-{self.delivery_ids[0]}"


class Channel:
    name = ""
    label = _("Channel")
    # Reaches a phone: held back during the person's quiet hours (urgent child protection excepted) and
    # collapsed when several arrive within COLLAPSE_SECONDS.
    phone = False
    collapse_seconds = 0

    def __init__(self, **options):
        self.options = options

    def address(self, user) -> str:
        """The person's verified address for this channel ("" when none)."""
        from ..models import ContactPoint

        row = ContactPoint.objects.filter(user=user, channel=self.name, verified_at__isnull=False).first()
        return row.address if row else ""

    def address_for(self, user, notifications: list) -> str:
        """The address to send these notifications to, at the moment of sending ("" when none)."""
        return self.address(user)

    def send(self, message: Message) -> str:  # pragma: no cover - each backend sends
        raise NotImplementedError


CHANNEL_LABELS = {
    "email": _("E-mail"),
    "push": _("Push on this device"),
    "whatsapp": _("WhatsApp"),
    "sms": _("SMS"),
}

DEFAULT_CHANNELS = {"email": {"BACKEND": "portal.notifications.channels.email.EmailChannel"}}


@cache
def _channels() -> dict[str, Channel]:
    configured = getattr(settings, "PELITA_NOTIFY_CHANNELS", None) or DEFAULT_CHANNELS
    found = {}
    for name, conf in configured.items():
        conf = dict(conf)
        backend = import_string(conf.pop("BACKEND"))
        channel = backend(**conf.get("OPTIONS", {}))
        channel.name = name
        found[name] = channel
    return found


def channels() -> dict[str, Channel]:
    return _channels()


def get_channel(name: str) -> Channel | None:
    return _channels().get(name)


def reset_channels() -> None:
    """Forget the configured channels (tests change the setting)."""
    _channels.cache_clear()


def push_subscribers(*, user_ids) -> set[int]:
    """The people (of `user_ids`) with at least one Web Push subscription."""
    if "push" not in _channels():
        return set()
    from ..models import PushSubscription

    return set(
        PushSubscription.objects.filter(user_id__in=list(user_ids))
        .values_list("user_id", flat=True)
        .distinct()
    )
