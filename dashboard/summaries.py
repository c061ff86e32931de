"""The dashboard's summaries: every figure of the coordinators' dashboard precomputed per area node and WITA day
and month (models.Summary), so that any area's dashboard over any period is a few small aggregates instead of
scans of the cases and referrals (docs/PERFORMANCE.md, "Dashboard").

How they stay fresh (readers never pay for it):
- every write through the models (the services' save()/delete(), needs.set()) marks its WITA day stale in
  StaleDay, inside the writer's own transaction (the receivers below: one INSERT, no read), and asks for the
  refresh task after its commit (once per transaction; tasks.refresh_summaries: the database queue's worker
  in production, inline in development and the tests);
- summaries_refresh() rebuilds each stale day from the source tables (a day is one indexed range of cases and
  referrals), compares it with the day's rows as they are and writes only the difference, which it adds to the
  month rows (never summed again), under a lock on SummaryState, then bumps its version;
- a reader answers from the summaries as they are: at most the time the refresh task takes behind the last
  commit, or the scheduler's sweep (`dashboard_summaries` in PELITA_PERIODIC_COMMANDS, every minute) when a
  task was lost, cron's (every five minutes) without a scheduler. Never built (a fresh install): the direct
  queries answer until the first refresh has built them;
- writes that bypass the models (queryset.update(), bulk_create(): bulk loads, the demo, the bench) are not
  seen: run `manage.py dashboard_summaries --rebuild` after them (the demo seeder does it). The full rebuild
  goes month by month from the source, both grains at once.

Rows per fact: one per node of the area's lineage (province, kabupaten, kecamatan, desa, dusun) and grain
(day, month). "Overdue now" depends on the clock: a referral still open keeps the WITA date of the deadline
that decides it (`key`), or -1 once that date was past at the rebuild; the reader counts the dates before
today and asks the source only for the deadlines falling today (indexed)."""

import datetime as dt
import functools
import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone

from portal.areas.models import ancestor_codes
from portal.core.workdays import WITA, start_of_day

from .cases import ChildCase, Referral, Status
from .models import CalendarDay, Grain, Kind, StaleDay, Summary, SummaryState

logger = logging.getLogger("pelita.dashboard")

OPEN_FOR_COMPLETION = (Status.ACCEPTED, Status.IN_PROGRESS)
BATCH = 5000


def local_date(value: dt.datetime) -> dt.date:
    return value.astimezone(WITA).date()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@functools.lru_cache(maxsize=65536)
def lineage(code: str) -> tuple[tuple[str, str], ...]:
    """(node, parent) for every node an area code counts in: its ancestors and itself."""
    codes = [*ancestor_codes(code), code]
    return tuple((node, codes[i - 1] if i else "") for i, node in enumerate(codes))


def deadline_key(status: str, due_at, completion_due_at, *, cutoff: dt.date) -> int:
    """The bucket that decides whether a referral is overdue now (referrals.selectors.overdue_q)."""
    if status == Status.SENT:
        deadline = due_at
    elif status in OPEN_FOR_COMPLETION:
        deadline = completion_due_at
    else:
        return 0
    if deadline is None:
        return 0
    day = local_date(deadline)
    return -1 if day < cutoff else day.toordinal()


# --- marking days stale (in the writer's transaction) -----------------------------------------------------


def mark_days(days) -> None:
    days = {d for d in days if d is not None}
    if days:
        StaleDay.objects.bulk_create([StaleDay(day=d) for d in sorted(days)])
        refresh_after_commit()


def _enqueue_refresh() -> None:
    from .tasks import refresh_summaries

    try:
        refresh_summaries.enqueue()
    except Exception:  # the scheduler's sweep (or cron) refreshes them anyway, a minute later at most
        logger.warning("Could not enqueue the dashboard summaries' refresh", exc_info=True)


def refresh_after_commit() -> None:
    """Once per transaction, after its commit: the refresh task (the database queue's worker in production; the
    immediate backend runs it inline, in development and the tests). Nothing when the transaction rolls back."""
    conn = transaction.get_connection()
    if any(entry[1] is _enqueue_refresh for entry in conn.run_on_commit):
        return
    transaction.on_commit(_enqueue_refresh)


def _day_of_stamp(value):
    return local_date(value) if value else None


def _remember(sender, instance, **kwargs):
    # The day the row counted in when it was loaded: a save that moves it marks both days.
    stamp = instance.__dict__.get("sent_at" if sender is Referral else "created_at")
    instance._dashboard_day = _day_of_stamp(stamp)


def _referral_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    mark_days({getattr(instance, "_dashboard_day", None), _day_of_stamp(instance.sent_at)})
    instance._dashboard_day = _day_of_stamp(instance.sent_at)


def _case_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # A case's change can move its referrals too (anonymisation moves them to the desa with update()).
    sent = Referral.objects.filter(case_id=instance.pk, sent_at__isnull=False).values_list(
        "sent_at", flat=True
    )
    mark_days(
        {
            getattr(instance, "_dashboard_day", None),
            _day_of_stamp(instance.created_at),
            *(_day_of_stamp(s) for s in sent),
        }
    )
    instance._dashboard_day = _day_of_stamp(instance.created_at)


def _referral_deleted(sender, instance, **kwargs):
    mark_days({getattr(instance, "_dashboard_day", None), _day_of_stamp(instance.sent_at)})


def _case_deleted(sender, instance, **kwargs):
    mark_days({getattr(instance, "_dashboard_day", None), _day_of_stamp(instance.created_at)})


def _needs_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, ChildCase):
        mark_days({_day_of_stamp(instance.created_at)})
    else:  # service.childcase_set changed: the cases named (all of them on a clear)
        cases = ChildCase.objects.all() if pk_set is None else ChildCase.objects.filter(pk__in=pk_set)
        mark_days({_day_of_stamp(c) for c in cases.values_list("created_at", flat=True)})


def connect() -> None:
    for model in (Referral, ChildCase):
        post_init.connect(_remember, sender=model, dispatch_uid=f"dashboard.remember.{model.__name__}")
    post_save.connect(_referral_saved, sender=Referral, dispatch_uid="dashboard.referral_saved")
    post_save.connect(_case_saved, sender=ChildCase, dispatch_uid="dashboard.case_saved")
    post_delete.connect(_referral_deleted, sender=Referral, dispatch_uid="dashboard.referral_deleted")
    post_delete.connect(_case_deleted, sender=ChildCase, dispatch_uid="dashboard.case_deleted")
    m2m_changed.connect(_needs_changed, sender=ChildCase.needs.through, dispatch_uid="dashboard.needs")


# --- rebuilding ----------------------------------------------------------------------------------------------


def _working_index() -> dict:
    from .selectors import calendar_ensure

    calendar_ensure()
    return dict(CalendarDay.objects.values_list("day", "working_index"))


def _source_rows(first: dt.date, last: dt.date, *, calendar: dict, cutoff: dt.date, months: bool) -> Counter:
    """The summary rows of the WITA days first..last (and, with `months`, of their months, which the days must
    then cover whole), computed from the source tables."""
    start, end = start_of_day(first), start_of_day(last + dt.timedelta(days=1))
    rows: Counter = Counter()

    def add(code, day, dims, n=1):
        for node, parent in lineage(code):
            rows[(node, parent, Grain.DAY, day, *dims)] += n
            if months:
                rows[(node, parent, Grain.MONTH, day.replace(day=1), *dims)] += n

    cases = ChildCase.objects.filter(created_at__gte=start, created_at__lt=end).order_by()
    for code, created in cases.values_list("area__code", "created_at").iterator(chunk_size=BATCH):
        add(code, local_date(created), (Kind.CASE, None, None, "", 0, ""))
    needs = ChildCase.needs.through.objects.filter(
        childcase__created_at__gte=start, childcase__created_at__lt=end
    )
    for code, created, service in (
        needs.order_by()
        .values_list("childcase__area__code", "childcase__created_at", "service_id")
        .iterator(chunk_size=BATCH)
    ):
        add(code, local_date(created), (Kind.NEED, service, None, "", 0, ""))
    referrals = (
        Referral.objects.filter(sent_at__gte=start, sent_at__lt=end, sent_at__isnull=False)
        .exclude(status=Status.DRAFT)
        .order_by()
        .values_list(
            "area__code",
            "service_id",
            "agency_id",
            "status",
            "sent_at",
            "due_at",
            "completion_due_at",
            "accepted_at",
            "completed_at",
            "decline_category",  # the category only, never the free text (issue 20)
        )
    )
    for (
        code,
        service,
        agency,
        status,
        sent,
        due,
        completion_due,
        accepted,
        completed,
        reason,
    ) in referrals.iterator(chunk_size=BATCH):
        day = local_date(sent)
        key = deadline_key(status, due, completion_due, cutoff=cutoff)
        add(code, day, (Kind.REFERRAL, service, agency, status, key, ""))
        sent_index = calendar.get(day)
        if sent_index is not None:  # the direct query joins the calendar on the day sent
            if accepted is not None and (accepted_index := calendar.get(local_date(accepted))) is not None:
                add(code, day, (Kind.ACCEPT, service, agency, "", accepted_index - sent_index, ""))
            if completed is not None:
                add(code, day, (Kind.COMPLETE, service, agency, "", (local_date(completed) - day).days, ""))
        if status == Status.DECLINED:
            add(code, day, (Kind.DECLINE, service, agency, "", 0, reason))
    return rows


FIELDS = ("node", "parent", "grain", "period", "kind", "service_id", "agency_id", "status", "key", "text")


def _layout(item):
    values = item[0]
    return (values[0], values[2], values[4], values[3])


def _write(rows: Counter) -> None:
    if connection.vendor == "postgresql":  # COPY: a national rebuild writes millions of rows
        columns = ", ".join([*FIELDS, "n"])
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {Summary._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            # Sorted by node, grain and kind, so that a dashboard's rows of a month share a few pages.
            for values, n in sorted(rows.items(), key=_layout):
                copy.write_row((*values, n))
        return
    batch = []
    for values, n in rows.items():
        batch.append(Summary(**dict(zip(FIELDS, values, strict=True)), n=n))
        if len(batch) >= BATCH:
            Summary.objects.bulk_create(batch)
            batch = []
    if batch:
        Summary.objects.bulk_create(batch)


def _state_locked(*, wait: bool = True) -> SummaryState | None:
    SummaryState.objects.get_or_create(pk=1)
    return SummaryState.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


def _finish(state: SummaryState, *, now, cutoff: dt.date, analyze: bool) -> None:
    if analyze and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, or the planner guesses one row
            cursor.execute(f"ANALYZE {Summary._meta.db_table}")
    state.version = F("version") + 1
    state.cutoff = max(cutoff, state.cutoff) if state.cutoff else cutoff
    state.built_at = now
    state.save()
    state.refresh_from_db()


def _rebuild_months(months, *, state: SummaryState, now) -> None:
    """Whole months from the source, both grains at once (the full rebuild)."""
    cutoff = timezone.localtime(now, WITA).date()
    calendar = _working_index()
    for month in sorted(months):
        Summary.objects.filter(period__gte=month, period__lt=next_month(month)).delete()
        last = next_month(month) - dt.timedelta(days=1)
        _write(_source_rows(month, last, calendar=calendar, cutoff=cutoff, months=True))
    _finish(state, now=now, cutoff=cutoff, analyze=len(months) > 1)


def _dims(values: tuple) -> tuple:
    """A row's key (FIELDS order) without its grain and period."""
    return (values[0], values[1], *values[4:])


def _apply_day(day: dt.date, new: Counter) -> Counter:
    """Make the day rows of `day` the `new` ones, writing only what differs; returns the difference (new - old,
    per row key without grain and period) for its month rows."""
    old = {}
    for pk, *values, n in (
        Summary.objects.filter(grain=Grain.DAY, period=day).order_by().values_list("pk", *FIELDS, "n")
    ):
        old[tuple(values)] = (pk, n)
    delta: Counter = Counter()
    gone, changed = [], []
    for values, (pk, n) in old.items():
        m = new.get(values, 0)
        if m != n:
            delta[_dims(values)] += m - n
            if m:
                changed.append(Summary(pk=pk, n=m))
            else:
                gone.append(pk)
    added = Counter()
    for values, m in new.items():
        if values not in old and m:
            added[values] = m
            delta[_dims(values)] += m
    for i in range(0, len(gone), BATCH):
        Summary.objects.filter(pk__in=gone[i : i + BATCH]).delete()
    if changed:
        Summary.objects.bulk_update(changed, ["n"], batch_size=1000)
    if added:
        _write(added)
    return delta


_MONTH_DELTA_SQL = """
WITH d AS (
    SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::int[], %s::int[], %s::varchar[],
                         %s::int[], %s::text[], %s::int[])
        AS d(node, parent, kind, service_id, agency_id, status, key, text, delta)
), up AS (
    UPDATE {table} s SET n = s.n + d.delta FROM d
    WHERE s.grain = %s AND s.period = %s AND s.node = d.node AND s.kind = d.kind AND s.parent = d.parent
      AND s.service_id IS NOT DISTINCT FROM d.service_id AND s.agency_id IS NOT DISTINCT FROM d.agency_id
      AND s.status = d.status AND s.key = d.key AND s.text = d.text
    RETURNING s.id, s.n, d.node, d.parent, d.kind, d.service_id, d.agency_id, d.status, d.key, d.text
), ins AS (
    INSERT INTO {table} (node, parent, grain, period, kind, service_id, agency_id, status, key, text, n)
    SELECT d.node, d.parent, %s, %s, d.kind, d.service_id, d.agency_id, d.status, d.key, d.text, d.delta
    FROM d WHERE NOT EXISTS (
        SELECT 1 FROM up WHERE up.node = d.node AND up.parent = d.parent AND up.kind = d.kind
          AND up.service_id IS NOT DISTINCT FROM d.service_id AND up.agency_id IS NOT DISTINCT FROM d.agency_id
          AND up.status = d.status AND up.key = d.key AND up.text = d.text)
    RETURNING 1
)
SELECT id FROM up WHERE n = 0
"""


def _apply_month(month: dt.date, delta: Counter) -> None:
    """Add a difference of day rows to the month's rows: the rows it names are updated (or inserted, or deleted
    at zero); the month stays the sum of its days without being summed again."""
    delta = Counter({k: v for k, v in delta.items() if v})
    if not delta:
        return
    if connection.vendor == "postgresql":  # one statement: the month's other rows are not read
        columns = list(zip(*[(*dims, n) for dims, n in delta.items()], strict=True))
        sql = _MONTH_DELTA_SQL.format(table=Summary._meta.db_table)
        grain = Grain.MONTH.value
        with connection.cursor() as cursor:
            cursor.execute(sql, [*(list(c) for c in columns), grain, month, grain, month])
            zero = [pk for (pk,) in cursor.fetchall()]
        if zero:
            Summary.objects.filter(pk__in=zero).delete()
        return
    nodes = {dims[0] for dims in delta}
    rows = Summary.objects.filter(
        grain=Grain.MONTH, period=month, node__in=nodes, kind__in={dims[2] for dims in delta}
    ).order_by()
    existing = {}
    for pk, *values, n in rows.values_list("pk", *FIELDS, "n"):
        existing[_dims(values)] = (pk, n)
    changed, gone, added = [], [], Counter()
    for dims, d in delta.items():
        if dims in existing:
            pk, n = existing[dims]
            (changed.append(Summary(pk=pk, n=n + d)) if n + d else gone.append(pk))
        else:
            added[(dims[0], dims[1], Grain.MONTH, month, *dims[2:])] = d
    Summary.objects.filter(pk__in=gone).delete()
    Summary.objects.bulk_update(changed, ["n"], batch_size=1000)
    _write(added)


def _rebuild_days(days, *, state: SummaryState, now) -> None:
    """Stale days from the source (a day is a few hundred rows), each compared with its rows as they are: only
    the rows that differ are written, and their difference is added to the month rows (never summed again)."""
    cutoff = timezone.localtime(now, WITA).date()
    calendar = _working_index()
    deltas: dict[dt.date, Counter] = {}
    for day in sorted(days):
        new = _source_rows(day, day, calendar=calendar, cutoff=cutoff, months=False)
        deltas.setdefault(month_of(day), Counter()).update(_apply_day(day, new))
    for month, delta in sorted(deltas.items()):
        _apply_month(month, delta)
    _finish(state, now=now, cutoff=cutoff, analyze=False)


def summaries_refresh(*, now=None, wait: bool = True) -> int:
    """Rebuild the days marked stale; returns how many. Safe to run concurrently (one at a time); with
    wait=False (a reader), returns at once when another refresh is running (PostgreSQL)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _state_locked(wait=wait)
        if state is None:
            return 0
        stale = list(StaleDay.objects.values_list("pk", "day"))
        if not stale and state.built_at is not None:
            return 0
        if state.built_at is None:  # never built: everything
            return _rebuild_all(state=state, now=now)
        days = {d for _pk, d in stale}
        _rebuild_days(days, state=state, now=now)
        StaleDay.objects.filter(pk__in=[pk for pk, _d in stale]).delete()
    logger.info("dashboard summaries: %d day(s) rebuilt", len(days))
    return len(days)


def _data_months() -> set[dt.date]:
    months = set()
    for qs, field in (
        (ChildCase.objects.all(), "created_at"),
        (Referral.objects.filter(sent_at__isnull=False), "sent_at"),
    ):
        span = qs.order_by().aggregate(first=Min(field), last=Max(field))
        if span["first"] is None:
            continue
        month, last = month_of(local_date(span["first"])), month_of(local_date(span["last"]))
        while month <= last:
            months.add(month)
            month = next_month(month)
    return months


def _rebuild_all(*, state: SummaryState, now) -> int:
    StaleDay.objects.all().delete()
    Summary.objects.all().delete()
    months = _data_months()
    _rebuild_months(months, state=state, now=now)
    return len(months)


def summaries_rebuild(*, now=None) -> int:
    """Rebuild every summary from the source tables (after bulk loads that bypass the models)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _state_locked()
        n = _rebuild_all(state=state, now=now)
    logger.info("dashboard summaries rebuilt: %d month(s)", n)
    return n


def summaries_state() -> SummaryState | None:
    """The summaries' state as it is, in one query: a reader never refreshes them (the refresh task does,
    after the writer's commit, and the scheduler's sweep). None when they were never built."""
    state = SummaryState.objects.filter(pk=1).first()
    return state if state is not None and state.built_at is not None else None
