"""Reads of notifications and preferences."""

import logging

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import translation

from .kinds import KIND_GROUPS, KIND_LABELS, KINDS
from .models import Delivery, Notification, NotificationPreference, NotificationSettings
from .targets import visible_q

logger = logging.getLogger("pelita.notifications")

BELL_CACHE_SECONDS = 300


def visible_to(*, user):
    """The person's notifications whose target they may still see (portal.notifications.targets)."""
    return Notification.objects.filter(visible_q(user=user), recipient=user)


def unread_count(*, user) -> int:
    return visible_to(user=user).filter(read_at__isnull=True).count()


def _bell_key(user_id: int) -> str:
    return f"notif:bell:{user_id}"


def bell_state(*, user) -> dict:
    """What the header's bell shows on every page: the unread count and the newest id (where the live client
    starts catching up from). Cached per person and forgotten on every change, so most pages pay no query;
    a cache that is down costs one query, never an error page."""
    key = _bell_key(user.pk)
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("bell: cache unavailable", exc_info=True)
        value = None
    if value is not None:
        return value
    row = visible_to(user=user).aggregate(
        unread=Count("id", filter=Q(read_at__isnull=True)), last_id=Max("id")
    )
    value = {"unread": row["unread"] or 0, "last_id": row["last_id"] or 0}
    try:
        cache.set(key, value, BELL_CACHE_SECONDS)
    except Exception:
        logger.warning("bell: cache unavailable", exc_info=True)
    return value


def forget_bell(user_ids) -> None:
    try:
        cache.delete_many([_bell_key(pk) for pk in user_ids])
    except Exception:
        logger.warning("bell: cache unavailable", exc_info=True)


def notifications_for(*, user, unread: bool = False, since: int | None = None):
    """The person's notifications, newest first. `since`: only those after that id (a reconnecting client)."""
    qs = visible_to(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if since is not None:
        qs = qs.filter(pk__gt=since)
    return qs.order_by("-pk")


def notification_text(notification: Notification, *, language: str | None = None) -> str:
    """The text in the given language (default: the active one), from the kind and its parameters; the text
    stored at creation (in the recipient's language then) when the kind is no longer known."""
    template = KINDS.get(notification.kind)
    if template is None:
        return notification.text
    try:
        with translation.override(language or translation.get_language()):
            return str(template % notification.params)[:300]
    except (KeyError, TypeError, ValueError):
        return notification.text


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def preference_choices(*, user) -> list[dict]:
    """The preferences page: every kind, grouped, with the person's current choice."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    groups: dict[str, dict] = {}
    for kind in KINDS:
        prefix = kind.split(".", 1)[0]
        group = groups.setdefault(
            prefix, {"key": prefix, "title": str(KIND_GROUPS.get(prefix, prefix)), "kinds": []}
        )
        group["kinds"].append(
            {"kind": kind, "label": kind_label(kind), "delivery": chosen.get(kind, Delivery.APP)}
        )
    return list(groups.values())


def unread_email_after(*, user) -> int:
    row = NotificationSettings.objects.filter(user=user).values_list("unread_email_after", flat=True).first()
    return row or 0
