"""E-mail about notifications, through Django's mail backend, in the recipient's language. The text is the
kind and the case code (selectors.outside_text: never a title, a person's name or other typed text, where
people type children's names) and a link into Pelita, where the full text is.

Three ways out: "at once" (a django-tasks task enqueued after commit), the daily digest and the reminder about
what is still unread after the person's chosen delay (management commands run by cron)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Delivery, Notification, NotificationSettings
from .selectors import outside_text
from .targets import visible_q

logger = logging.getLogger("pelita.notifications")

# Reminders look back this far, so that turning them on does not e-mail a year of old notices.
REMINDER_HORIZON = timedelta(days=7)


def absolute_url(path: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if path else base + "/"


def build_email(*, user, notifications: list[Notification], mode: str) -> EmailMessage:
    """One e-mail to one person about one or more notifications. mode: "single", "digest" or "reminder"."""
    with translation.override(user.language):
        items = [
            {
                # The kind and the case code only: an e-mail leaves Pelita (portal.notifications.selectors).
                "text": outside_text(n, language=user.language),
                "url": absolute_url(reverse("notifications:open", args=[n.pk])),
                "created_at": timezone.localtime(n.created_at),
            }
            for n in notifications
        ]
        if mode == "single":
            subject = _("[Pelita] %(text)s") % {"text": items[0]["text"]}
        elif mode == "digest":
            subject = ngettext(
                "[Pelita] Your daily digest: %(n)s notification",
                "[Pelita] Your daily digest: %(n)s notifications",
                len(items),
            ) % {"n": len(items)}
        else:
            subject = ngettext(
                "[Pelita] %(n)s notification you have not read",
                "[Pelita] %(n)s notifications you have not read",
                len(items),
            ) % {"n": len(items)}
        body = render_to_string(
            "notifications/email/notifications.txt",
            {
                "user": user,
                "items": items,
                "mode": mode,
                "list_url": absolute_url(reverse("notifications:list")),
                "preferences_url": absolute_url(reverse("notifications:preferences")),
            },
        )
    subject = " ".join(subject.split())[:200]
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _claim(queryset) -> list[Notification]:
    """Take the rows this run will e-mail (another run skips rows already taken) and stamp them."""
    now = timezone.now()
    with transaction.atomic():
        qs = queryset.filter(emailed_at__isnull=True).select_related("recipient")
        if connection_supports_skip_locked():
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs)
        if rows:
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
    return rows


def connection_supports_skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked


def _send_grouped(rows: list[Notification], *, mode: str) -> int:
    """Send one e-mail per person (or per notification for "single"); put back what could not be sent."""
    by_user: dict[int, list[Notification]] = {}
    for n in rows:
        by_user.setdefault(n.recipient_id, []).append(n)
    sent = 0
    for batch in by_user.values():
        user = batch[0].recipient
        # Not e-mailed: what points at something the person can no longer see (it stays claimed, so it is
        # never sent later either).
        visible = set(
            Notification.objects.filter(visible_q(user=user), pk__in=[n.pk for n in batch]).values_list(
                "pk", flat=True
            )
        )
        batch = [n for n in batch if n.pk in visible]
        if not batch:
            continue
        groups = [[n] for n in batch] if mode == "single" else [sorted(batch, key=lambda n: n.pk)]
        for group in groups:
            try:
                build_email(user=user, notifications=group, mode=mode).send()
                sent += 1
            except Exception:
                logger.warning(
                    "Could not e-mail notifications %s to user %s",
                    [n.pk for n in group],
                    user.pk,
                    exc_info=True,
                )
                Notification.objects.filter(pk__in=[n.pk for n in group]).update(emailed_at=None)
    return sent


def _with_address(queryset):
    return queryset.filter(recipient__is_active=True).exclude(recipient__email="")


def send_immediate(*, notification_ids: list[int] | None = None) -> int:
    """Run the due e-mail deliveries (those of `notification_ids` only, when given): the retry sweep of the
    e-mail job. Returns how many were sent."""
    from .delivery import run_deliveries
    from .models import NotificationDelivery

    qs = NotificationDelivery.objects.filter(channel="email")
    if notification_ids is not None:
        qs = qs.filter(notification_id__in=notification_ids)
    counts = run_deliveries(ids=list(qs.values_list("pk", flat=True)))
    return counts.get("sent", 0)


def send_digests() -> int:
    """One e-mail per person with every "daily digest" notification not yet e-mailed. Idempotent."""
    qs = _with_address(Notification.objects.filter(delivery=Delivery.DIGEST))
    return _send_grouped(_claim(qs), mode="digest")


def _reminder_addressees(user_ids) -> dict[int, int]:
    """Who gets reminders, and after how many working minutes: a person who saved a delay (not "never"), and
    everyone else with the default delay once their address is verified."""
    from .selectors import verified_channels

    chosen = dict(
        NotificationSettings.objects.filter(user_id__in=user_ids).values_list("user_id", "unread_email_after")
    )
    verified = verified_channels(user_ids=[uid for uid in user_ids if uid not in chosen])
    delays = {uid: delay for uid, delay in chosen.items() if delay > 0}
    for uid, found in verified.items():
        if "email" in found:
            delays[uid] = NotificationSettings.DEFAULT_REMIND
    return delays


def send_unread_reminders(*, now=None) -> int:
    """One e-mail per person with the notifications that ask them to act (or that they get "in Pelita only")
    still unread after their delay in working time (08:00-16:00 WITA on working days). Once per
    notification."""
    from .kinds import ACTIONABLE
    from .workhours import working_minutes_between

    now = now or timezone.now()
    candidates = list(
        _with_address(
            Notification.objects.filter(
                Q(delivery=Delivery.APP, emailed_at__isnull=True) | Q(kind__in=list(ACTIONABLE)),
                read_at__isnull=True,
                reminded_at__isnull=True,
                created_at__gte=now - REMINDER_HORIZON,
            ).exclude(delivery__in=(Delivery.OFF, Delivery.DIGEST))
        ).values_list("pk", "recipient_id", "created_at")
    )
    if not candidates:
        return 0
    delays = _reminder_addressees({uid for _pk, uid, _c in candidates})
    due = [
        pk
        for pk, uid, created in candidates
        if uid in delays and working_minutes_between(created, now) >= delays[uid]
    ]
    if not due:
        return 0
    with transaction.atomic():
        qs = Notification.objects.filter(pk__in=due, read_at__isnull=True, reminded_at__isnull=True)
        if connection_supports_skip_locked():
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs.select_related("recipient"))
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(reminded_at=now)
    sent = 0
    by_user: dict[int, list[Notification]] = {}
    for n in rows:
        by_user.setdefault(n.recipient_id, []).append(n)
    for batch in by_user.values():
        user = batch[0].recipient
        visible = set(
            Notification.objects.filter(visible_q(user=user), pk__in=[n.pk for n in batch]).values_list(
                "pk", flat=True
            )
        )
        batch = sorted((n for n in batch if n.pk in visible), key=lambda n: n.pk)
        if not batch:
            continue
        try:
            build_email(user=user, notifications=batch, mode="reminder").send()
            sent += 1
        except Exception:
            logger.warning("Could not send the reminder to user %s", user.pk, exc_info=True)
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(reminded_at=None)
    return sent
