"""The delivery engine: each NotificationDelivery row is one message on its way, and the table is the queue.

- notify() writes the rows (status "queued") in the caller's transaction and, after commit, enqueues one
  django-tasks task (deliver_notifications) that runs them in the worker, so the web request never waits.
- run_deliveries() claims one row at a time (SELECT … FOR UPDATE SKIP LOCKED where the database has it:
  two workers never take the same row) and moves it queued → sending with a lease, commits, sends, and records
  sent / failed (retried with backoff) / given up / not sent (the person may no longer see its target).
- A worker killed mid-run leaves its row "sending": it is taken again only after the lease ran out, so nothing
  is lost; every row it had already sent is "sent" and never taken again, so nothing is sent twice. (The one
  window left is between the provider accepting a message and the "sent" commit; the providers that dedupe
  are given the delivery's stable key.)
- The sweep (the worker's schedule, `manage.py notifications_deliver`) picks up whatever is due: rows whose
  task was lost, retries whose backoff ran out, rows held back by quiet hours.

Failures never reach the action that notified: they are recorded on the row."""

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .channels import DeliveryFailure, Message, PermanentFailure, get_channel
from .models import DeliveryStatus, Notification, NotificationDelivery, NotificationSettings
from .targets import visible_q

logger = logging.getLogger("pelita.notifications")

MAX_ATTEMPTS = getattr(settings, "PELITA_NOTIFY_MAX_ATTEMPTS", 6)
# Seconds before the n-th retry: 30 s, 2 min, 8 min, 32 min, ~2 h (capped at 6 h).
BACKOFF_BASE = getattr(settings, "PELITA_NOTIFY_BACKOFF_BASE", 30)
BACKOFF_FACTOR = 4
BACKOFF_CAP = 6 * 3600
LEASE = dt.timedelta(seconds=getattr(settings, "PELITA_NOTIFY_LEASE_SECONDS", 120))
OPEN = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED, DeliveryStatus.SENDING)


def backoff(attempts: int, retry_after: float | None = None) -> dt.timedelta:
    seconds = min(BACKOFF_CAP, BACKOFF_BASE * BACKOFF_FACTOR ** max(0, attempts - 1))
    if retry_after:
        seconds = max(seconds, retry_after)
    return dt.timedelta(seconds=seconds)


def deliveries_create(rows: list[tuple[Notification, str]]) -> list[int]:
    """In notify()'s transaction: one queued delivery per (notification, channel)."""
    now = timezone.now()
    holds = {}
    for _n, channel in rows:
        if channel not in holds:
            backend = get_channel(channel)
            holds[channel] = dt.timedelta(seconds=getattr(backend, "hold_seconds", 0) or 0)
    made = NotificationDelivery.objects.bulk_create(
        [
            NotificationDelivery(
                notification=n,
                recipient_id=n.recipient_id,
                channel=channel,
                next_attempt_at=now + holds[channel],
            )
            for n, channel in rows
        ]
    )
    return [d.pk for d in made]


def enqueue_after_commit(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    def enqueue():
        from .tasks import deliver_notifications

        try:
            deliver_notifications.enqueue(delivery_ids=delivery_ids)
        except Exception:
            # The sweep takes them up (they are queued rows).
            logger.warning("Could not enqueue deliveries %s", delivery_ids[:20], exc_info=True)

    transaction.on_commit(enqueue)


def _due_q(now) -> Q:
    return Q(status__in=(DeliveryStatus.QUEUED, DeliveryStatus.FAILED), next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )


def _claim_one(*, ids, now) -> NotificationDelivery | None:
    """Take one due row for this worker: queued/failed (or sending with an expired lease) → sending, committed.
    The row is locked (SKIP LOCKED: another worker takes the next one) where the database can, and the update
    is a compare-and-set on (status, attempts) everywhere, so two workers never both take a row (SQLite)."""
    for _try in range(20):
        with transaction.atomic():
            qs = NotificationDelivery.objects.filter(_due_q(now))
            if ids is not None:
                qs = qs.filter(pk__in=ids)
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            row = qs.order_by("next_attempt_at", "pk").first()
            if row is None:
                return None
            taken = NotificationDelivery.objects.filter(
                pk=row.pk, status=row.status, attempts=row.attempts
            ).update(
                status=DeliveryStatus.SENDING,
                attempts=row.attempts + 1,
                lease_until=now + LEASE,
                updated_at=timezone.now(),
            )
            if taken:
                row.status, row.attempts, row.lease_until = (
                    DeliveryStatus.SENDING,
                    row.attempts + 1,
                    now + LEASE,
                )
                return row
    return None


def _collapse(row: NotificationDelivery, channel, now) -> list[NotificationDelivery]:
    """Other due rows of the same person and channel made within the channel's collapse window: sent as one
    message ("3 new referrals")."""
    if not channel.collapse_seconds:
        return []
    window = dt.timedelta(seconds=channel.collapse_seconds)
    with transaction.atomic():
        qs = NotificationDelivery.objects.filter(
            _due_q(now),
            recipient_id=row.recipient_id,
            channel=row.channel,
            created_at__gte=row.created_at - window,
            created_at__lte=row.created_at + window,
        ).exclude(pk=row.pk)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        others = list(qs)
        if others:
            NotificationDelivery.objects.filter(pk__in=[o.pk for o in others]).update(
                status=DeliveryStatus.SENDING, lease_until=now + LEASE, collapsed_into=row, updated_at=now
            )
    return others


def in_quiet_hours(settings_row: NotificationSettings, now) -> dt.datetime | None:
    """When the person's quiet hours end, if `now` is inside them (WITA), else None."""
    from portal.core.workdays import WITA

    local = now.astimezone(WITA)
    start, end, t = settings_row.quiet_start, settings_row.quiet_end, local.time()
    if start == end:
        return None
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=WITA)


def _record(rows, **fields) -> None:
    NotificationDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
        updated_at=timezone.now(), lease_until=None, **fields
    )


def _deliver(row: NotificationDelivery, now) -> str:
    channel = get_channel(row.channel)
    if channel is None:
        _record([row], status=DeliveryStatus.GAVE_UP, last_error="channel not configured")
        return DeliveryStatus.GAVE_UP
    notification = Notification.objects.select_related("recipient").get(pk=row.notification_id)
    user = notification.recipient
    if not user.is_active:
        _record([row], status=DeliveryStatus.SKIPPED, last_error="account inactive")
        return DeliveryStatus.SKIPPED
    if channel.phone and not is_urgent(notification):
        quiet_until = in_quiet_hours(_settings_of(user), now)
        if quiet_until is not None:
            # Not an attempt: held back until the quiet hours end.
            NotificationDelivery.objects.filter(pk=row.pk).update(
                status=DeliveryStatus.QUEUED,
                attempts=row.attempts - 1,
                next_attempt_at=quiet_until,
                lease_until=None,
                last_error="quiet hours",
                updated_at=timezone.now(),
            )
            return DeliveryStatus.QUEUED
    group = [row, *_collapse(row, channel, now)]
    ids = [r.notification_id for r in group]
    visible = set(Notification.objects.filter(visible_q(user=user), pk__in=ids).values_list("pk", flat=True))
    hidden = [r for r in group if r.notification_id not in visible]
    if hidden:
        # Its target is no longer the person's: never sent (and never later).
        _record(hidden, status=DeliveryStatus.SKIPPED, last_error="no longer visible to the person")
    group = [r for r in group if r.notification_id in visible]
    if not group:
        return DeliveryStatus.SKIPPED
    notifications = list(
        Notification.objects.filter(pk__in=[r.notification_id for r in group]).order_by("pk")
    )
    # Looked up now, not when queued: an address changed (or a number removed) since is not sent to.
    address = channel.address_for(user, notifications)
    if not address:
        _record(group, status=DeliveryStatus.SKIPPED, last_error="no verified address")
        return DeliveryStatus.SKIPPED
    message = Message(
        user=user, address=address, notifications=notifications, delivery_ids=[r.pk for r in group]
    )
    try:
        provider_id = channel.send(message) or ""
    except DeliveryFailure as exc:
        attempts = row.attempts
        if isinstance(exc, PermanentFailure) or attempts >= MAX_ATTEMPTS:
            _record(group, status=DeliveryStatus.GAVE_UP, last_error=exc.reason, collapsed_into=None)
            logger.warning("Delivery %s (%s) given up: %s", row.pk, row.channel, exc.reason)
            return DeliveryStatus.GAVE_UP
        _record(
            group,
            status=DeliveryStatus.FAILED,
            last_error=exc.reason,
            next_attempt_at=timezone.now() + backoff(attempts, exc.retry_after),
            collapsed_into=None,
        )
        return DeliveryStatus.FAILED
    except Exception as exc:
        # A bug in a backend: recorded and retried like a temporary failure, never raised.
        logger.exception("Delivery %s (%s) failed", row.pk, row.channel)
        status = DeliveryStatus.GAVE_UP if row.attempts >= MAX_ATTEMPTS else DeliveryStatus.FAILED
        _record(
            group,
            status=status,
            last_error=f"error: {type(exc).__name__}",
            next_attempt_at=timezone.now() + backoff(row.attempts),
            collapsed_into=None,
        )
        return status
    sent_at = timezone.now()
    _record(group, status=DeliveryStatus.SENT, sent_at=sent_at, provider_id=provider_id[:120], last_error="")
    if row.channel == "email":
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=sent_at)
    return DeliveryStatus.SENT


def _settings_of(user) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def is_urgent(notification: Notification) -> bool:
    """An urgent child-protection notice (a product marks it in the params' "urgent" flag through its
    registered urgency check): it is not held back by quiet hours."""
    from .kinds import is_urgent_kind

    return is_urgent_kind(notification)


def run_deliveries(
    *, ids=None, now=None, limit: int | None = None, concurrency: int | None = None
) -> dict[str, int]:
    """Send the due deliveries (those of `ids` only, when given). Returns how many ended in each status.

    With `concurrency` (default settings.PELITA_NOTIFY_CONCURRENCY, 1) above 1, that many threads claim and send
    side by side, each on its own database connection: a provider's round trip (100–300 ms) dominates, so one
    event to 1,000 people is sent in a fraction of the time (docs/PERFORMANCE.md). Only on PostgreSQL (SKIP
    LOCKED keeps the threads off each other's rows) and outside a transaction (the threads could not see the
    caller's uncommitted rows); otherwise one thread, as before."""
    workers = concurrency or getattr(settings, "PELITA_NOTIFY_CONCURRENCY", 1)
    if ids is not None:
        workers = min(workers, len(ids))  # a task's few rows: no more threads than rows
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _run_deliveries(ids=ids, now=now, budget=_Budget(limit))
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    budget = _Budget(limit)

    def worker(_n):
        try:
            return _run_deliveries(ids=ids, now=now, budget=budget)
        finally:
            connections.close_all()

    counts: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pelita-delivery") as pool:
        for part in pool.map(worker, range(workers)):
            for status, n in part.items():
                counts[status] = counts.get(status, 0) + n
    return counts


class _Budget:
    """How many rows may still be taken (None: no limit), shared by the threads of one run."""

    def __init__(self, limit: int | None):
        import threading

        self.left, self.lock = limit, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left is None:
                return True
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def _run_deliveries(*, ids, now, budget: _Budget) -> dict[str, int]:
    counts: dict[str, int] = {}
    while budget.take():
        moment = now or timezone.now()
        row = _claim_one(ids=ids, now=moment)
        if row is None:
            break
        try:
            status = _deliver(row, moment)
        except Exception:
            logger.exception("Delivery %s could not be processed; the sweep takes it up again", row.pk)
            status = "error"
        counts[status] = counts.get(status, 0) + 1
    return counts
