"""notify() is the only way a notification is made, and the only code that sends on the channel layer."""

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import translation

from .kinds import KINDS
from .models import Notification

logger = logging.getLogger("pelita.notifications")


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def notification_payload(notification: Notification, *, unread_count: int) -> dict:
    return {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "unread_count": unread_count,
    }


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def render_text(*, kind: str, params: dict, language: str) -> str:
    with translation.override(language):
        return str(KINDS[kind] % params)[:300]


def notify(*, recipients: Iterable, kind: str, params: dict, url: str = "", actor=None) -> list[Notification]:
    """Store one notification per recipient (never the actor), in the caller's transaction, and push each to
    the recipient's sockets once that transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    seen, made = set(), []
    for user in recipients:
        if user.pk in seen or (actor is not None and user.pk == actor.pk) or not user.is_active:
            continue
        seen.add(user.pk)
        made.append(
            Notification(
                recipient=user,
                actor=actor,
                kind=kind,
                url=url,
                params=params,
                text=render_text(kind=kind, params=params, language=user.language),
            )
        )
    if not made:
        return []
    made = Notification.objects.bulk_create(made)
    ids = [n.pk for n in made]
    transaction.on_commit(lambda: _push(ids))
    return made


def _push(ids: list[int]) -> None:
    """After commit: send each stored notification to its recipient's group. A failing channel layer is logged,
    never raised: the notification is stored and the person sees it on the next page or reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    for notification in Notification.objects.filter(pk__in=ids).select_related("recipient"):
        try:
            payload = notification_payload(
                notification, unread_count=unread_count(user=notification.recipient)
            )
            async_to_sync(layer.group_send)(
                user_group(notification.recipient_id), {"type": "notify", "payload": payload}
            )
        except Exception:
            logger.warning(
                "Could not push notification %s to the channel layer", notification.pk, exc_info=True
            )


def push_unread_count(*, user) -> None:
    """Tell the person's open sockets that the unread count changed (read on another tab or device)."""

    def send():
        try:
            layer = get_channel_layer()
            async_to_sync(layer.group_send)(
                user_group(user.pk),
                {
                    "type": "notify",
                    "payload": {"type": "unread_count", "unread_count": unread_count(user=user)},
                },
            )
        except Exception:
            logger.warning("Could not push the unread count of user %s", user.pk, exc_info=True)

    transaction.on_commit(send)
