"""E-mail about notifications, through Django's mail backend, in the recipient's language. The text is the
notification's own (kind + parameters: a case is named by its code, never by the child) and a link into Pelita.

Three ways out: "at once" (a django-tasks task enqueued after commit), the daily digest and the reminder about
what is still unread after the person's chosen delay (management commands run by cron)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Delivery, Notification, NotificationSettings
from .selectors import notification_text
from .targets import visible_q

logger = logging.getLogger("pelita.notifications")

# Reminders look back this far, so that turning them on does not e-mail a year of old notices.
REMINDER_HORIZON = timedelta(days=7)
# "At once" e-mails still waiting after this long (the task failed) are retried by the e-mail job.
IMMEDIATE_RETRY_AFTER = timedelta(minutes=1)


def absolute_url(path: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if path else base + "/"


def build_email(*, user, notifications: list[Notification], mode: str) -> EmailMessage:
    """One e-mail to one person about one or more notifications. mode: "single", "digest" or "reminder"."""
    with translation.override(user.language):
        items = [
            {
                "text": notification_text(n, language=user.language),
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
    """E-mail the notifications whose recipients asked for "e-mail at once". With ids: those (the task run
    after commit); without: every one still waiting for a minute or more (the retry by the e-mail job)."""
    qs = _with_address(Notification.objects.filter(delivery=Delivery.EMAIL))
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    else:
        qs = qs.filter(created_at__lte=timezone.now() - IMMEDIATE_RETRY_AFTER)
    return _send_grouped(_claim(qs), mode="single")


def send_digests() -> int:
    """One e-mail per person with every "daily digest" notification not yet e-mailed. Idempotent."""
    qs = _with_address(Notification.objects.filter(delivery=Delivery.DIGEST))
    return _send_grouped(_claim(qs), mode="digest")


def send_unread_reminders(*, now=None) -> int:
    """One e-mail per person with the "in Pelita only" notifications still unread after their chosen delay."""
    now = now or timezone.now()
    delays = dict(
        NotificationSettings.objects.filter(unread_email_after__gt=0).values_list(
            "user_id", "unread_email_after"
        )
    )
    if not delays:
        return 0
    shortest = min(delays.values())
    candidates = _with_address(
        Notification.objects.filter(
            delivery=Delivery.APP,
            read_at__isnull=True,
            emailed_at__isnull=True,
            recipient_id__in=list(delays),
            created_at__gte=now - REMINDER_HORIZON,
            created_at__lte=now - timedelta(minutes=shortest),
        )
    ).values_list("pk", "recipient_id", "created_at")
    due = [pk for pk, uid, created in candidates if created <= now - timedelta(minutes=delays[uid])]
    if not due:
        return 0
    return _send_grouped(
        _claim(Notification.objects.filter(pk__in=due, read_at__isnull=True)), mode="reminder"
    )
