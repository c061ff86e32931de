"""notify() is the only way a notification is made, and this module is the only code that queues messages for
the channel layer (live.py sends them, off the request's path). Everything here writes; reads are in
selectors.py."""

import logging
import re
from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit, urlunsplit

from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.errors import InvalidInput, NotFound
from portal.core.text import contain_bidi

from . import live
from .channels import channels
from .delivery import deliveries_create, enqueue_after_commit
from .kinds import KINDS
from .models import Delivery, Notification, NotificationPreference, NotificationSettings
from .selectors import effective_choices, forget_bell, unread_count, verified_channels
from .targets import target_of

logger = logging.getLogger("pelita.notifications")

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


@cache
def kind_placeholders(kind: str) -> frozenset[str]:
    """The parameters a kind's text takes (read from the English source text)."""
    with translation.override(None):
        return frozenset(_PLACEHOLDER.findall(str(KINDS[kind])))


def render_text(*, kind: str, params: dict, language: str) -> str:
    with translation.override(language):
        return str(KINDS[kind] % params)[:300]


def local_iso(value) -> str:
    """API.md: ISO-8601 with offset, in WITA."""
    return timezone.localtime(value).isoformat()


def notification_payload(notification: Notification, *, unread_count: int, text: str | None = None) -> dict:
    """The WebSocket message of API.md for one new notification."""
    return {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "text": text if text is not None else notification.text,
        "url": notification.url,
        "created_at": local_iso(notification.created_at),
        "unread_count": unread_count,
    }


def _clean_params(*, kind: str, params: dict, actor) -> dict:
    """Keep only the parameters the kind's text uses, so nothing else (never a child's identity) is stored."""
    wanted = kind_placeholders(kind)
    params = dict(params or {})
    if "actor" in wanted and "actor" not in params and actor is not None:
        params["actor"] = actor.shown_name
    extra = set(params) - wanted
    if extra:
        logger.debug("notify(%s): dropped parameters the text does not use: %s", kind, sorted(extra))
    missing = wanted - set(params)
    if missing:
        raise ValueError(f"notify({kind}): missing parameters {sorted(missing)}")
    cleaned = {}
    for key in wanted:
        value = params[key]
        if not isinstance(value, str | int | float):
            value = str(value)
        if isinstance(value, str):
            # A title or name goes inside the kind's sentence (and an SMS, a WhatsApp message): a direction
            # override in it must stop at its end (portal.core.text.contain_bidi; nothing is added otherwise).
            value = contain_bidi(value)
        cleaned[key] = value
    return cleaned


def _clean_url(url: str) -> str:
    """A path inside Pelita ("/cases/APM-5202-00042/"). An absolute http(s) URL (Wagtail's page.url on a
    multi-site setup) keeps only its path; anything else (another scheme, "//host") is dropped with a warning,
    so a bad link never breaks the action that notifies."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        url = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        logger.warning("notify(): dropped a link that is not a path inside Pelita: %r", url[:100])
        return ""
    return url[:300]


def notify(*, recipients: Iterable, kind: str, params: dict, url: str = "", actor=None) -> list[Notification]:
    """Store one notification per recipient (never the actor, never an inactive person, never someone who
    turned this kind off), in the caller's transaction, with one queued delivery per channel the person gets it
    on at once (portal.notifications.delivery); once that transaction commits, push each to the recipient's
    sockets and enqueue the deliveries for the worker. Returns the stored notifications."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    params = _clean_params(kind=kind, params=params, actor=actor)
    url = _clean_url(url)
    people, seen = [], set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return []
    choices = effective_choices(user_ids=seen, kind=kind)
    # The accounts' addresses are the recipients' own (read again only if a caller deferred them).
    emails = (
        {u.pk: u.__dict__["email"] for u in people} if all("email" in u.__dict__ for u in people) else None
    )
    verified = verified_channels(user_ids=seen, emails=emails)
    configured = set(channels())
    target_type, target_id = target_of(url)
    made, routes = [], {}
    for user in people:
        delivery, muted, explicit = choices[user.pk]
        if delivery == Delivery.OFF:
            continue
        if delivery == Delivery.INSTANT:
            routes[user.pk] = sorted((verified.get(user.pk, set()) & configured) - set(muted))
        elif delivery == Delivery.EMAIL:
            # Chosen by the person before channels existed: e-mail at once to the account's address.
            routes[user.pk] = ["email"] if user.email and "email" in configured else []
        elif delivery == Delivery.DIGEST and not explicit and "email" not in verified.get(user.pk, set()):
            delivery = Delivery.APP  # the default digest goes to verified addresses only
        made.append(
            Notification(
                recipient=user,
                actor=actor,
                kind=kind,
                url=url,
                target_type=target_type,
                target_id=target_id,
                params=params,
                delivery=delivery,
                text=render_text(kind=kind, params=params, language=user.language),
            )
        )
    if not made:
        return []
    made = Notification.objects.bulk_create(made)
    delivery_ids = deliveries_create(
        [(n, channel) for n in made for channel in routes.get(n.recipient_id, [])]
    )
    pushes = [(n.pk, n.recipient_id, n.kind, n.text, n.url, n.created_at) for n in made]
    transaction.on_commit(lambda: _after_commit(pushes))
    enqueue_after_commit(delivery_ids)
    return made


def _after_commit(pushes) -> None:
    recipient_ids = {p[1] for p in pushes}
    forget_bell(recipient_ids)
    try:
        _push_new(pushes)
    except Exception:
        logger.warning("Could not push notifications %s", [p[0] for p in pushes], exc_info=True)


def _push_new(pushes) -> None:
    """After commit: queue each stored notification for its recipient's group, with the recipient's new unread
    count (one query for all the counts); the live sender pushes them in the background. A failing channel
    layer is logged there, never raised: the notification is stored and the person sees it on the next page
    or reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    recipient_ids = {p[1] for p in pushes}
    counts = dict(
        Notification.objects.filter(recipient_id__in=recipient_ids, read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    messages = []
    for pk, recipient_id, kind, text, url, created_at in pushes:
        payload = {
            "type": "notification",
            "id": pk,
            "kind": kind,
            "text": text,
            "url": url,
            "created_at": local_iso(created_at),
            "unread_count": counts.get(recipient_id, 0),
        }
        messages.append((user_group(recipient_id), {"type": "notify", "payload": payload}))
    _send(layer, messages)


def _send(layer, messages: list[tuple[str, dict]]) -> None:
    """Queue the messages for the live sender (portal.notifications.live) and return at once: the request that
    caused them never waits for the channel layer. `layer` is kept for the callers; the sender looks it up."""
    live.send(messages)


def push_unread_count(*, user) -> None:
    """After commit: tell the person's open sockets that the unread count changed (read on another tab or
    device)."""

    def send():
        forget_bell([user.pk])
        try:
            layer = get_channel_layer()
            if layer is None:
                return
            payload = {"type": "unread_count", "unread_count": unread_count(user=user)}
            _send(layer, [(user_group(user.pk), {"type": "notify", "payload": payload})])
        except Exception:
            logger.warning("Could not push the unread count of user %s", user.pk, exc_info=True)

    transaction.on_commit(send)


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the person's notifications read. Someone else's is NotFound, as if it did not exist."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound(_("This notification does not exist or is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        push_unread_count(user=user)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the person read. Returns how many changed."""
    changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        push_unread_count(user=user)
    return changed


@transaction.atomic
def notification_settings_set(
    *,
    user,
    kinds: dict[str, dict],
    unread_email_after: int | None = None,
    quiet_start=None,
    quiet_end=None,
) -> None:
    """Save a person's choices. `kinds`: {kind: {"delivery": ..., "muted_channels": [...]}} for any of the
    kinds their roles receive (a kind left out keeps its setting); a choice equal to the person's default is
    not stored, so a later change of the defaults reaches them. The reminder delay (working minutes) and the
    quiet hours apply to every kind."""
    from .selectors import preference_choices

    current = {item["kind"]: item for group in preference_choices(user=user) for item in group["kinds"]}
    configured = set(channels())
    errors: dict[str, list] = {}
    for kind, choice in kinds.items():
        if kind not in current:
            errors.setdefault(kind, []).append(_("Unknown kind of notification."))
            continue
        if choice.get("delivery") not in Delivery.values:
            errors.setdefault(kind, []).append(_("Choose one of the options."))
        muted = choice.get("muted_channels") or []
        if not isinstance(muted, list) or set(muted) - configured:
            errors.setdefault(kind, []).append(_("Unknown channel."))
    if unread_email_after is not None and unread_email_after not in dict(NotificationSettings.REMIND_CHOICES):
        errors["unread_email_after"] = [_("Choose one of the options.")]
    if errors:
        raise InvalidInput(_("Please correct the errors below."), errors=errors)
    existing = {p.kind: p for p in NotificationPreference.objects.filter(user=user, kind__in=list(kinds))}
    from .selectors import default_choice

    for kind, choice in kinds.items():
        delivery, muted = choice["delivery"], sorted(set(choice.get("muted_channels") or []))
        pref = existing.get(kind)
        if (delivery, muted) == default_choice(user=user, kind=kind):
            if pref is not None:
                pref.delete()
        elif pref is None:
            pref = NotificationPreference(user=user, kind=kind, delivery=delivery, muted_channels=muted)
            pref.full_clean(validate_unique=False)
            pref.save()
        elif (pref.delivery, sorted(pref.muted_channels or [])) != (delivery, muted):
            pref.delivery, pref.muted_channels = delivery, muted
            pref.save(update_fields=["delivery", "muted_channels"])
    if unread_email_after is None and quiet_start is None and quiet_end is None:
        return
    row, _created = NotificationSettings.objects.get_or_create(user=user)
    if unread_email_after is not None:
        row.unread_email_after = unread_email_after
    if quiet_start is not None:
        row.quiet_start = quiet_start
    if quiet_end is not None:
        row.quiet_end = quiet_end
    row.save()


def notification_preferences_set(*, user, deliveries: dict[str, str], unread_email_after: int) -> None:
    """The settings page before channels: one delivery per kind and the reminder delay."""
    notification_settings_set(
        user=user,
        kinds={kind: {"delivery": delivery, "muted_channels": []} for kind, delivery in deliveries.items()},
        unread_email_after=unread_email_after,
    )
