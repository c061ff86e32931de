"""Reads for the coordination dashboard, its exports and the public indicators.

Every figure is one aggregate query (or a few) over the whole area subtree, never a loop over cases:

- referrals: one GROUP BY (child area prefix, service, status) with the overdue count, from which the
  figures by status, by service, per child area, the overdue count and the share completed all come;
- durations: one query joining the WITA calendar (CalendarDay) for working days; medians and p90 with
  PostgreSQL's percentile_cont, on SQLite from the one ordered list of durations;
- cases: one GROUP BY (child area prefix, month), one GROUP BY need, one trend query for referrals, one for
  the decline reasons.

Rules (docs and the page say the same):
- a child is counted where the case is registered (its dusun or desa), in the period when it was registered;
- a referral is counted from the moment it is sent (drafts are not counted), in the period when it was sent,
  at the child's area; the service and agency filters apply to referrals only;
- days to accept are working days (Monday to Friday minus Indonesian public holidays, WITA), as the response
  deadline is; days to complete are calendar days, as the completion target is;
- overdue now: still sent past the response deadline, or accepted / in progress past the completion target
  (referrals.selectors.overdue_q), whenever it was sent within the period."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, DateTimeField, Exists, F, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.agencies.models import Agency, Service
from portal.areas.models import Area, Level
from portal.areas.selectors import area_ancestors, area_get, areas_within_q
from portal.core import suppression
from portal.core.errors import NotFound
from portal.core.workdays import WITA, is_working_day, start_of_day
from portal.people.models import OVERSEER_ROLES, Membership

from .cases import ChildCase, Referral, Status, overdue_q
from .models import CalendarDay
from .summaries import next_month

# The statuses the dashboard counts: every status a sent referral can be in (drafts are not referrals yet).
STATUSES = [s for s in Status if s != Status.DRAFT]
# The needs checklist the issue asks for, in this order; the other needs follow.
KEY_NEEDS = ["akta-kelahiran", "kia", "kembali-sekolah", "bpjs-pbi", "pkh"]
CALENDAR_START = dt.date(2010, 1, 1)
TREND_MONTHS = 12
PUBLIC_LEVELS = (Level.PROVINCE, Level.REGENCY, Level.DISTRICT)
PUBLIC_CACHE_SECONDS = 60 * 60
MEDIAN_MIN_PUBLIC = 5  # a public median needs at least this many referrals behind it


# --- who sees which area --------------------------------------------------------------------------


def decline_category_label(value) -> str:
    """The label of a decline reason category (referrals.models.DeclineReason), in the active language."""
    from .cases import DeclineReason

    value = (value or "").strip()
    return str(DeclineReason(value).label) if value in DeclineReason.values else _("(no reason given)")


def dashboard_areas(*, user) -> list[Area]:
    """The highest areas where the person is a coordinator or facilitator (an area inside another is left out)."""
    if not user.is_authenticated:
        return []
    areas = sorted(
        {
            m.area
            for m in Membership.objects.filter(user=user, role__in=OVERSEER_ROLES).select_related("area")
        },
        key=lambda a: a.code,
    )
    top = []
    for area in areas:
        if not any(area.is_within(other) for other in top):
            top.append(area)
    return top


def dashboard_area(*, user, code: str = "", areas: list[Area] | None = None) -> Area:
    """The area whose dashboard is asked for, if the person oversees it; NotFound otherwise (API.md: an area
    the caller may not see is the same as one that does not exist). No code: the person's first top area."""
    areas = dashboard_areas(user=user) if areas is None else areas
    if not code:
        if not areas:
            raise NotFound(_("The dashboard is for coordinators and facilitators."))
        return areas[0]
    area = area_get(code=code.strip())
    if not any(area.is_within(top) for top in areas):
        raise NotFound(_("No area has the code %(code)s.") % {"code": code})
    return area


# --- filters --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    service: Service | None = None
    agency: Agency | None = None

    def as_dict(self) -> dict:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "service": self.service.slug if self.service else None,
            "agency": self.agency.pk if self.agency else None,
        }


def agencies_for_area(*, area: Area):
    """Agencies whose jurisdiction covers the area or lies inside it: the agency filter's choices."""
    codes = [*area.ancestor_codes, area.code]
    return Agency.objects.filter(
        Q(area__code__in=codes) | areas_within_q([area.code], field="area__code")
    ).order_by("name")


def _period_q(field: str, filters: Filters) -> Q:
    q = Q()
    if filters.date_from:
        q &= Q(**{f"{field}__gte": start_of_day(filters.date_from)})
    if filters.date_to:
        q &= Q(**{f"{field}__lt": start_of_day(filters.date_to + dt.timedelta(days=1))})
    return q


def cases_in(*, area: Area, filters: Filters):
    return ChildCase.objects.filter(
        areas_within_q([area.code], field="area__code"), _period_q("created_at", filters)
    ).order_by()


def referrals_in(*, area: Area, filters: Filters):
    qs = Referral.objects.filter(
        areas_within_q([area.code], field="area__code"),
        _period_q("sent_at", filters),
        sent_at__isnull=False,
    ).exclude(status=Status.DRAFT)
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.agency:
        qs = qs.filter(agency=filters.agency)
    return qs.order_by()


# --- the working-day calendar ---------------------------------------------------------------------


def calendar_ensure(*, until: dt.date | None = None) -> None:
    """Make sure CalendarDay covers CALENDAR_START .. a year from now (one small query when it does)."""
    until = until or (timezone.localdate() + dt.timedelta(days=366))
    span = CalendarDay.objects.aggregate(first=Min("day"), last=Max("day"), n=Count("day"))
    expected = (until - CALENDAR_START).days + 1
    if span["first"] == CALENDAR_START and span["last"] and span["last"] >= until and span["n"] >= expected:
        return
    rows, index, day = [], 0, CALENDAR_START
    last = max(until, span["last"] or until)
    while day <= last:
        if is_working_day(day):
            index += 1
        rows.append(CalendarDay(day=day, working_index=index))
        day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def _percentile(values: list, fraction: float):
    """percentile_cont: linear interpolation between the closest ranks of the sorted values."""
    if not values:
        return None
    pos = (len(values) - 1) * fraction
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return float(values[lo] + (values[hi] - values[lo]) * (pos - lo))


def _weighted_percentile(histogram: dict, fraction: float):
    """percentile_cont over a histogram {value: count}."""
    total = sum(histogram.values())
    if not total:
        return None
    pos = (total - 1) * fraction
    lo_rank, hi_rank = int(pos), min(int(pos) + 1, total - 1)
    lo = hi = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if lo is None and lo_rank < seen:
            lo = value
        if hi_rank < seen:
            hi = value
            break
    return float(lo + (hi - lo) * (pos - lo_rank))


def _local_date_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE 'Asia/Makassar')::date"
    # SQLite stores UTC text; WITA is UTC+8 all year (no daylight saving).
    return f"date({column}, '+8 hours')"


def _durations_sql(base_sql: str) -> tuple[str, str]:
    """FROM clause joining the referrals (base_sql selects sent_at, accepted_at, completed_at[, prefix]) to
    the calendar, and the expressions for working days to accept and calendar days to complete."""
    sent, accepted = _local_date_sql("r.sent_at"), _local_date_sql("r.accepted_at")
    table = CalendarDay._meta.db_table
    from_sql = (
        f"FROM ({base_sql}) r JOIN {table} ws ON ws.day = {sent} LEFT JOIN {table} wa ON wa.day = {accepted}"
    )
    if connection.vendor == "postgresql":
        complete = f"({_local_date_sql('r.completed_at')} - {sent})"
    else:
        complete = f"CAST(julianday({_local_date_sql('r.completed_at')}) - julianday({sent}) AS INTEGER)"
    return from_sql, complete


def referral_durations(*, referrals) -> dict:
    """Median and p90 of working days from sent to accepted and of calendar days from sent to completed."""
    empty = {
        "median_days_to_accept": None,
        "p90_days_to_accept": None,
        "accepted_count": 0,
        "median_days_to_complete": None,
        "p90_days_to_complete": None,
        "completed_count": 0,
    }
    try:
        sql, params = referrals.values("sent_at", "accepted_at", "completed_at").query.sql_with_params()
    except EmptyResultSet:
        return empty
    calendar_ensure()
    from_sql, complete = _durations_sql(sql)
    accept = "(wa.working_index - ws.working_index)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY {accept}) FILTER (WHERE r.accepted_at IS NOT NULL),"
                f" percentile_cont(0.9) WITHIN GROUP (ORDER BY {accept}) FILTER (WHERE r.accepted_at IS NOT NULL),"
                f" count(r.accepted_at),"
                f" percentile_cont(0.5) WITHIN GROUP (ORDER BY {complete}) FILTER (WHERE r.completed_at IS NOT NULL),"
                f" percentile_cont(0.9) WITHIN GROUP (ORDER BY {complete}) FILTER (WHERE r.completed_at IS NOT NULL),"
                f" count(r.completed_at) {from_sql}",
                params,
            )
            m_acc, p90_acc, n_acc, m_comp, p90_comp, n_comp = cursor.fetchone()
            result = {
                "median_days_to_accept": m_acc,
                "p90_days_to_accept": p90_acc,
                "accepted_count": n_acc,
                "median_days_to_complete": m_comp,
                "p90_days_to_complete": p90_comp,
                "completed_count": n_comp,
            }
        else:
            cursor.execute(
                f"SELECT CASE WHEN r.accepted_at IS NULL THEN NULL ELSE {accept} END,"
                f" CASE WHEN r.completed_at IS NULL THEN NULL ELSE {complete} END {from_sql} ORDER BY 1",
                params,
            )
            rows = cursor.fetchall()
            acc = [a for a, _c in rows if a is not None]
            comp = sorted(c for _a, c in rows if c is not None)
            result = {
                "median_days_to_accept": _percentile(acc, 0.5),
                "p90_days_to_accept": _percentile(acc, 0.9),
                "accepted_count": len(acc),
                "median_days_to_complete": _percentile(comp, 0.5),
                "p90_days_to_complete": _percentile(comp, 0.9),
                "completed_count": len(comp),
            }
    for key, value in result.items():
        if value is not None and key.startswith(("median", "p90")):
            result[key] = round(float(value), 1)
    return result


# --- the coordinator's dashboard ------------------------------------------------------------------


def child_areas(*, area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).order_by("code"))


def _prefix_length(area: Area, children: list[Area]) -> int:
    return len(children[0].code) if children else len(area.code)


def _months(filters: Filters, now) -> list[dt.date]:
    today = timezone.localtime(now, WITA).date()
    last = (filters.date_to or today).replace(day=1)
    first = filters.date_from.replace(day=1) if filters.date_from else None
    if first is None or first > last:
        first = last
        for _i in range(TREND_MONTHS - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
    months, month = [], first
    while month <= last and len(months) < 120:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_key(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, WITA).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def indicators_direct(*, area: Area, filters: Filters = Filters(), now=None) -> dict:
    """Every figure of the dashboard for an area's subtree, straight from the cases and referrals: the reference
    the summaries are tested against (tests/dashboard/test_summaries.py), and the answer when the summaries
    cannot give one (a `now` before their last rebuild). No permission check: see dashboard_area."""
    now = now or timezone.now()
    children = child_areas(area=area)
    length = _prefix_length(area, children)
    services = list(Service.objects.order_by("position", "slug"))
    service_by_id = {s.pk: s for s in services}

    prefix = Substr("area__code", 1, length) if children else Value(area.code)
    # Cases: per child area and month.
    case_rows = (
        cases_in(area=area, filters=filters)
        .annotate(prefix=prefix, month=TruncMonth("created_at", tzinfo=WITA))
        .values("prefix", "month")
        .annotate(n=Count("pk"))
    )
    cases_by_prefix, cases_by_month = defaultdict(int), defaultdict(int)
    for row in case_rows:
        cases_by_prefix[row["prefix"]] += row["n"]
        cases_by_month[_month_key(row["month"])] += row["n"]
    children_registered = sum(cases_by_prefix.values())

    # Needs: one GROUP BY over the checklist.
    through = ChildCase.needs.through
    need_rows = (
        through.objects.filter(childcase__in=cases_in(area=area, filters=filters).values("pk"))
        .values("service_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    need_counts = {row["service_id"]: row["n"] for row in need_rows}
    needs = {s.slug: need_counts.get(s.pk, 0) for s in services}

    # Referrals: by service and status (with the overdue counts), and per area (area code, no substring:
    # a hash aggregate over integer keys, then folded into the child areas here).
    referrals = referrals_in(area=area, filters=filters)
    overdue = overdue_q(now=now)
    ref_rows = referrals.values("service_id", "status").annotate(
        n=Count("pk"), overdue=Count("pk", filter=overdue)
    )
    by_status = {s.value: 0 for s in STATUSES}
    by_service = {s.slug: 0 for s in services}
    overdue_response = overdue_completion = 0
    for row in ref_rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        by_service[service_by_id[row["service_id"]].slug] += row["n"]
        if row["status"] == Status.SENT:
            overdue_response += row["overdue"]
        else:
            overdue_completion += row["overdue"]
    refs_by_prefix, overdue_by_prefix = defaultdict(int), defaultdict(int)
    area_rows = referrals.values("area__code").annotate(n=Count("pk"), overdue=Count("pk", filter=overdue))
    for row in area_rows:
        key = row["area__code"][:length] if children else area.code
        refs_by_prefix[key] += row["n"]
        overdue_by_prefix[key] += row["overdue"]
    total_referrals = sum(by_status.values())
    overdue_total = overdue_response + overdue_completion

    durations = referral_durations(referrals=referrals)

    # Trend: referrals sent per month, and those of them completed.
    months = _months(filters, now)
    trend_rows = (
        referrals.filter(sent_at__gte=start_of_day(months[0]))
        .annotate(month=TruncMonth("sent_at", tzinfo=WITA))
        .values("month")
        .annotate(n=Count("pk"), completed=Count("pk", filter=Q(status=Status.COMPLETED)))
    )
    refs_by_month, completed_by_month = defaultdict(int), defaultdict(int)
    for row in trend_rows:
        refs_by_month[_month_key(row["month"])] += row["n"]
        completed_by_month[_month_key(row["month"])] += row["completed"]
    trend = [
        {
            "month": m,
            "children_registered": cases_by_month.get(m, 0),
            "referrals": refs_by_month.get(m, 0),
            "completed": completed_by_month.get(m, 0),
        }
        for m in months
    ]

    # Declined, by the category of the reason the agency chose (issue 20: never the free-text note, where
    # case workers and liaisons write names).
    decline_rows = (
        referrals.filter(status=Status.DECLINED)
        .values("decline_category")
        .annotate(n=Count("pk"))
        .order_by("-n", "decline_category")[:10]
    )
    declined_reasons = [
        {"reason": decline_category_label(row["decline_category"]), "count": row["n"]} for row in decline_rows
    ]

    breakdown = []
    for child in children:
        breakdown.append(
            {
                "area": child.code,
                "name": child.display_name,
                "level": child.level,
                "children_registered": cases_by_prefix.pop(child.code, 0),
                "referrals": refs_by_prefix.pop(child.code, 0),
                "overdue": overdue_by_prefix.pop(child.code, 0),
            }
        )
    # Cases registered at the area itself (a desa's children with no dusun recorded).
    if children and (cases_by_prefix or refs_by_prefix):
        breakdown.append(
            {
                "area": area.code,
                "name": _("%(area)s, no dusun recorded") % {"area": area.display_name},
                "level": area.level,
                "children_registered": sum(cases_by_prefix.values()),
                "referrals": sum(refs_by_prefix.values()),
                "overdue": sum(overdue_by_prefix.values()),
                "itself": True,
            }
        )

    return {
        "area": area.code,
        "children_registered": children_registered,
        "needs": needs,
        "referrals_by_status": by_status,
        "referrals_by_service": by_service,
        "referrals": total_referrals,
        "completed_share": round(by_status[Status.COMPLETED] / total_referrals, 3)
        if total_referrals
        else None,
        "overdue": overdue_total,
        "overdue_response": overdue_response,
        "overdue_completion": overdue_completion,
        "declined": by_status[Status.DECLINED],
        "declined_reasons": declined_reasons,
        **durations,
        "breakdown": breakdown,
        "trend": trend,
        "filters": filters.as_dict(),
    }


# --- the same figures from the summaries (dashboard/summaries.py) ------------------------------------------


def _summary_periods(filters: Filters) -> list[Q]:
    """The summary rows of the period, as disjoint pieces: whole months from the month rows, the days at either
    end from the day rows. No piece for an empty period."""
    from .models import Grain

    lo, hi = filters.date_from, filters.date_to
    if lo is None and hi is None:
        return [Q(grain=Grain.MONTH)]
    if lo is not None and hi is not None and lo > hi:
        return []
    first_full = None if lo is None else (lo if lo.day == 1 else next_month(lo))
    if hi is None:
        last_full = None
    elif (hi + dt.timedelta(days=1)).day == 1:
        last_full = hi.replace(day=1)
    else:
        last_full = (hi.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if first_full is not None and last_full is not None and first_full > last_full:
        return [Q(grain=Grain.DAY, period__gte=lo, period__lte=hi)]
    months = Q(grain=Grain.MONTH)
    if first_full is not None:
        months &= Q(period__gte=first_full)
    if last_full is not None:
        months &= Q(period__lte=last_full)
    pieces = [months]
    if lo is not None and lo < first_full:
        pieces.append(Q(grain=Grain.DAY, period__gte=lo, period__lt=first_full))
    if hi is not None and hi >= next_month(last_full):
        pieces.append(Q(grain=Grain.DAY, period__gte=next_month(last_full), period__lte=hi))
    return pieces


def _spread(branches: list[Q], pieces: list[Q]) -> Q:
    """OR of every (rows, period piece) pair: each one an index range (node or parent, grain, kind, period),
    where an AND of two ORs leaves PostgreSQL filtering the whole node."""
    q = Q(pk__in=[])
    for branch in branches:
        for piece in pieces:
            q |= branch & piece
    return q


def indicators(*, area: Area, filters: Filters = Filters(), now=None) -> dict:
    """Every figure of the dashboard for an area's subtree, from the summaries as they are (a reader never
    refreshes them: the task after each write's commit does, dashboard/summaries.py): the same figures as
    indicators_direct() once they are fresh, in a constant number of small queries. No permission check: see
    dashboard_area."""
    from .models import Kind, Summary
    from .summaries import summaries_state

    now = now or timezone.now()
    today = timezone.localtime(now, WITA).date()
    state = summaries_state()
    if (
        state is None
    ):  # never built (a fresh install: the first refresh builds them): straight from the source
        return indicators_direct(area=area, filters=filters, now=now)
    if state.cutoff and today < state.cutoff:  # deadlines collapsed as "past" may not be past at this `now`
        return indicators_direct(area=area, filters=filters, now=now)
    children = child_areas(area=area)
    services = list(Service.objects.order_by("position", "slug"))
    service_by_id = {s.pk: s for s in services}
    months = _months(filters, now)
    pieces = _summary_periods(filters)
    ref_q = Q()
    if filters.service:
        ref_q &= Q(service_id=filters.service.pk)
    if filters.agency:
        ref_q &= Q(agency_id=filters.agency.pk)
    rows = Summary.objects.order_by()

    def sum_n(qs):
        try:
            return list(qs)
        except EmptyResultSet:
            return []

    # The area's own rows for every figure; its children's only for the breakdown (cases and referrals).
    own, ref_kind = Q(node=area.code), Q(kind=Kind.REFERRAL) & ref_q
    branches = [own & Q(kind__in=[Kind.CASE, Kind.NEED]), own & ref_kind]
    if children:
        branches += [Q(parent=area.code, kind=Kind.CASE), Q(parent=area.code) & ref_kind]
    # Counts: cases, needs, referrals (with "overdue" for the deadline dates before today) per node.
    overdue_key = Q(key=-1) | Q(key__gt=0, key__lt=today.toordinal())
    counts = sum_n(
        rows.filter(_spread(branches, pieces))
        .values("node", "kind", "service_id", "status")
        .annotate(total=Sum("n"), late=Sum(Case(When(overdue_key, then="n"), default=0)))
    )
    # The deadlines falling today: whether they are past is a question of the hour (indexed on the source).
    start_today = start_of_day(today)
    due_today = Q(status=Status.SENT, due_at__gte=start_today, due_at__lt=now) | Q(
        status__in=(Status.ACCEPTED, Status.IN_PROGRESS),
        completion_due_at__gte=start_today,
        completion_due_at__lt=now,
    )
    today_rows = sum_n(
        referrals_in(area=area, filters=filters)
        .filter(due_today)
        .values("area__code", "status")
        .annotate(n=Count("pk"))
    )
    trend_rows = sum_n(
        rows.filter(_spread([own & Q(kind=Kind.CASE), own & ref_kind], pieces), period__gte=months[0])
        .values("kind", "period", "status")
        .annotate(total=Sum("n"))
    )
    hist_rows = sum_n(
        rows.filter(_spread([own & Q(kind__in=[Kind.ACCEPT, Kind.COMPLETE]) & ref_q], pieces))
        .values("kind", "key")
        .annotate(total=Sum("n"))
    )
    decline_rows = sum_n(
        rows.filter(_spread([own & Q(kind=Kind.DECLINE) & ref_q], pieces))
        .values("text")
        .annotate(total=Sum("n"))
        .order_by("-total", "text")[:10]
    )

    needs = {s.slug: 0 for s in services}
    by_status = {s.value: 0 for s in STATUSES}
    by_service = {s.slug: 0 for s in services}
    children_registered = overdue_response = overdue_completion = 0
    child_cases, child_refs, child_overdue = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in counts:
        kind, n = row["kind"], row["total"]
        if row["node"] != area.code:
            if kind == Kind.CASE:
                child_cases[row["node"]] += n
            elif kind == Kind.REFERRAL:
                child_refs[row["node"]] += n
                child_overdue[row["node"]] += row["late"]
            continue
        if kind == Kind.CASE:
            children_registered += n
        elif kind == Kind.NEED:
            needs[service_by_id[row["service_id"]].slug] += n
        else:
            by_status[row["status"]] = by_status.get(row["status"], 0) + n
            by_service[service_by_id[row["service_id"]].slug] += n
            if row["status"] == Status.SENT:
                overdue_response += row["late"]
            else:
                overdue_completion += row["late"]
    length = _prefix_length(area, children)
    for row in today_rows:
        if row["status"] == Status.SENT:
            overdue_response += row["n"]
        else:
            overdue_completion += row["n"]
        prefix = row["area__code"][:length]
        if children and prefix != area.code:
            child_overdue[prefix] += row["n"]
    total_referrals = sum(by_status.values())
    overdue_total = overdue_response + overdue_completion

    accept_hist, complete_hist = defaultdict(int), defaultdict(int)
    for row in hist_rows:
        (accept_hist if row["kind"] == Kind.ACCEPT else complete_hist)[row["key"]] += row["total"]

    def pct(hist, fraction):
        value = _weighted_percentile(hist, fraction)
        return None if value is None else round(float(value), 1)

    durations = {
        "median_days_to_accept": pct(accept_hist, 0.5),
        "p90_days_to_accept": pct(accept_hist, 0.9),
        "accepted_count": sum(accept_hist.values()),
        "median_days_to_complete": pct(complete_hist, 0.5),
        "p90_days_to_complete": pct(complete_hist, 0.9),
        "completed_count": sum(complete_hist.values()),
    }

    cases_by_month, refs_by_month, completed_by_month = defaultdict(int), defaultdict(int), defaultdict(int)
    for row in trend_rows:
        month = row["period"].replace(day=1)
        if row["kind"] == Kind.CASE:
            cases_by_month[month] += row["total"]
        else:
            refs_by_month[month] += row["total"]
            if row["status"] == Status.COMPLETED:
                completed_by_month[month] += row["total"]
    trend = [
        {
            "month": m,
            "children_registered": cases_by_month.get(m, 0),
            "referrals": refs_by_month.get(m, 0),
            "completed": completed_by_month.get(m, 0),
        }
        for m in months
    ]
    declined_reasons = [
        {"reason": decline_category_label(row["text"]), "count": row["total"]} for row in decline_rows
    ]

    breakdown = []
    for child in children:
        breakdown.append(
            {
                "area": child.code,
                "name": child.display_name,
                "level": child.level,
                "children_registered": child_cases.get(child.code, 0),
                "referrals": child_refs.get(child.code, 0),
                "overdue": child_overdue.get(child.code, 0),
            }
        )
    itself_cases = children_registered - sum(child_cases.values())
    itself_refs = total_referrals - sum(child_refs.values())
    if children and (itself_cases or itself_refs):
        breakdown.append(
            {
                "area": area.code,
                "name": _("%(area)s, no dusun recorded") % {"area": area.display_name},
                "level": area.level,
                "children_registered": itself_cases,
                "referrals": itself_refs,
                "overdue": overdue_total - sum(child_overdue.values()),
                "itself": True,
            }
        )

    return {
        "area": area.code,
        "children_registered": children_registered,
        "needs": needs,
        "referrals_by_status": by_status,
        "referrals_by_service": by_service,
        "referrals": total_referrals,
        "completed_share": round(by_status[Status.COMPLETED] / total_referrals, 3)
        if total_referrals
        else None,
        "overdue": overdue_total,
        "overdue_response": overdue_response,
        "overdue_completion": overdue_completion,
        "declined": by_status[Status.DECLINED],
        "declined_reasons": declined_reasons,
        **durations,
        "breakdown": breakdown,
        "trend": trend,
        "filters": filters.as_dict(),
    }


DASHBOARD_CACHE_SECONDS = 5 * 60


def indicators_cached(*, area: Area, filters: Filters = Filters()) -> dict:
    """indicators(), cached until the summaries change (their refresh after a write bumps their version), and at
    most five minutes (overdue counts move with the clock): one query when the figures are cached."""
    from .summaries import summaries_state

    now = timezone.now()
    bucket = int(now.timestamp()) // DASHBOARD_CACHE_SECONDS
    f = filters.as_dict()
    state = summaries_state()
    version = state.cache_token if state is not None else "direct"
    key = "dashboard:ind:v3:" + ":".join(
        str(x) for x in (area.code, f["from"], f["to"], f["service"], f["agency"], bucket, version)
    )
    data = cache.get(key)
    if data is None:
        data = indicators(area=area, filters=filters, now=now)
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    return data


def indicators_api(data: dict) -> dict:
    """The shape of GET /api/v1/indicators (API.md), plus the extra figures under their own keys."""
    return {
        "area": data["area"],
        "children_registered": data["children_registered"],
        "needs": data["needs"],
        "referrals_by_status": data["referrals_by_status"],
        "referrals_by_service": data["referrals_by_service"],
        "median_days_to_accept": data["median_days_to_accept"],
        "median_days_to_complete": data["median_days_to_complete"],
        "overdue": data["overdue"],
        "breakdown": [
            {k: row[k] for k in ("area", "name", "children_registered", "referrals", "overdue")}
            for row in data["breakdown"]
        ],
        "p90_days_to_accept": data["p90_days_to_accept"],
        "p90_days_to_complete": data["p90_days_to_complete"],
        "completed_share": data["completed_share"],
        "declined": data["declined"],
        "trend": [{**row, "month": row["month"].strftime("%Y-%m")} for row in data["trend"]],
    }


def dashboard_context(*, area: Area) -> dict:
    """What the page shows around the figures: the area's ancestors (for the breadcrumbs)."""
    return {"ancestors": area_ancestors(area=area)}


# --- public indicators ----------------------------------------------------------------------------

KEC_LEN = 8  # "52.02.01": the kecamatan prefix of a case's area code


def _data_version() -> str:
    """Cheap (index-only: see migration 0002): changes whenever a case or a referral is added or changed.
    A deletion is caught by the time limit of the caches."""
    cases = ChildCase.objects.aggregate(n=Max("pk"), last=Max("updated_at"))
    refs = Referral.objects.aggregate(n=Max("pk"), last=Max("updated_at"))
    stamp = lambda v: v.isoformat() if v else "-"  # noqa: E731
    return f"{cases['n']}.{stamp(cases['last'])}.{refs['n']}.{stamp(refs['last'])}"


def _nodes_of(kec: str) -> list[str]:
    return ["", kec[:2], kec[:5], kec]


def _public_dataset(*, now=None) -> dict:
    """The published figures of every province, kabupaten and kecamatan with data (and the whole country,
    code ""), suppressed together so that no page contradicts another: a few GROUP BY queries in all."""
    now = now or timezone.now()
    services = list(Service.objects.order_by("position", "slug").values_list("pk", "slug"))
    slug_by_id = dict(services)
    values: dict = defaultdict(int)
    nodes: set[str] = {""}

    def add(kec, key, n):
        for node in _nodes_of(kec):
            nodes.add(node)
            values[(*key, node)] += n

    kec = Substr("area__code", 1, KEC_LEN)
    for row in ChildCase.objects.annotate(k=kec).values("k").annotate(n=Count("pk")).order_by():
        add(row["k"], ("children",), row["n"])
    need_rows = (
        ChildCase.needs.through.objects.annotate(k=Substr("childcase__area__code", 1, KEC_LEN))
        .values("k", "service_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in need_rows:
        add(row["k"], ("need", slug_by_id[row["service_id"]]), row["n"])
    ref_rows = (
        Referral.objects.filter(sent_at__isnull=False)
        .exclude(status=Status.DRAFT)
        .annotate(k=kec)
        .values("k", "service_id", "status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_q(now=now)))
        .order_by()
    )
    for row in ref_rows:
        add(row["k"], ("referrals",), row["n"])
        add(row["k"], ("status", row["status"]), row["n"])
        add(row["k"], ("service", slug_by_id[row["service_id"]]), row["n"])
        add(row["k"], ("overdue",), row["overdue"])

    # Durations as histograms per kecamatan, merged upwards: exact medians for every node.
    calendar_ensure()
    base = Referral.objects.filter(sent_at__isnull=False).exclude(status=Status.DRAFT).order_by()
    sql, params = (
        base.annotate(k=kec).values("sent_at", "accepted_at", "completed_at", "k").query.sql_with_params()
    )
    from_sql, complete = _durations_sql(sql)
    accept_hist: dict = defaultdict(lambda: defaultdict(int))
    complete_hist: dict = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.k, 'a', (wa.working_index - ws.working_index), count(*) {from_sql} "
            f"WHERE r.accepted_at IS NOT NULL GROUP BY r.k, (wa.working_index - ws.working_index) "
            f"UNION ALL SELECT r.k, 'c', {complete}, count(*) {from_sql} "
            f"WHERE r.completed_at IS NOT NULL GROUP BY r.k, {complete}",
            [*params, *params],
        )
        for k, kind, days, n in cursor.fetchall():
            for node in _nodes_of(k):
                (accept_hist if kind == "a" else complete_hist)[node][int(days)] += n

    families = (
        [("children",), ("referrals",), ("overdue",)]
        + [("status", s.value) for s in STATUSES]
        + [("service", slug) for _pk, slug in services]
        + [("need", slug) for _pk, slug in services]
    )
    equations = []
    children_of = defaultdict(list)
    for node in nodes:
        if node:
            parent = {2: "", 5: node[:2], 8: node[:5]}[len(node)]
            children_of[parent].append(node)
    for parent, kids in children_of.items():
        for fam in families:
            equations.append(suppression.Equation((*fam, parent), tuple((*fam, k) for k in sorted(kids))))
    for node in nodes:
        total = ("referrals", node)
        equations.append(suppression.Equation(total, tuple(("status", s.value, node) for s in STATUSES)))
        equations.append(
            suppression.Equation(total, tuple(("service", slug, node) for _pk, slug in services))
        )
    hidden = suppression.suppress(dict(values), equations)

    def shown(key):
        return suppression.display(values.get(key, 0), hidden=key in hidden)

    def median(hist):
        if sum(hist.values()) < MEDIAN_MIN_PUBLIC:
            return None
        return round(_weighted_percentile(hist, 0.5), 1)

    published = {}
    for node in nodes:
        published[node] = {
            "children_registered": shown(("children", node)),
            "referrals": shown(("referrals", node)),
            "overdue": shown(("overdue", node)),
            "needs": {slug: shown(("need", slug, node)) for _pk, slug in services},
            "referrals_by_status": {s.value: shown(("status", s.value, node)) for s in STATUSES},
            "referrals_by_service": {slug: shown(("service", slug, node)) for _pk, slug in services},
            "median_days_to_accept": median(accept_hist.get(node, {})),
            "median_days_to_complete": median(complete_hist.get(node, {})),
        }
    zero = {
        "children_registered": 0,
        "referrals": 0,
        "overdue": 0,
        "needs": {slug: 0 for _pk, slug in services},
        "referrals_by_status": {s.value: 0 for s in STATUSES},
        "referrals_by_service": {slug: 0 for _pk, slug in services},
        "median_days_to_accept": None,
        "median_days_to_complete": None,
    }
    return {"nodes": published, "zero": zero, "computed_at": timezone.localtime(now).isoformat()}


def public_dataset() -> dict:
    """The suppressed public figures, cached until a case or referral changes (or for an hour)."""
    key = f"dashboard:public:v1:{_data_version()}"
    data = cache.get(key)
    if data is None:
        data = _public_dataset()
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return data


def public_area(*, code: str | None) -> Area | None:
    """The area of a public page: None for the whole country, else a province, kabupaten or kecamatan."""
    if not code:
        return None
    area = area_get(code=code.strip())
    if area.level not in PUBLIC_LEVELS:
        from portal.core.errors import InvalidInput

        msg = _("Public figures are published for a province, kabupaten or kecamatan only.")
        raise InvalidInput(msg, errors={"area": [msg]})
    return area


def public_indicators(area_code: str | None = None) -> dict:
    """The public, suppressed figures for the whole country (None), a province, a kabupaten or a kecamatan,
    in the shape of GET /api/v1/public/indicators. For the home page's key figures as well.
    Breakdown: provinces, kabupaten or kecamatan below the area; never desa (too small to publish)."""
    area = public_area(code=area_code)
    data = public_dataset()
    node = area.code if area else ""
    figures = data["nodes"].get(node, data["zero"])
    if area is None:
        children = list(Area.objects.filter(level=Level.PROVINCE).order_by("code"))
    elif area.level in (Level.PROVINCE, Level.REGENCY):
        children = list(Area.objects.filter(parent=area).order_by("code"))
    else:
        children = []
    breakdown = []
    for child in children:
        f = data["nodes"].get(child.code, data["zero"])
        breakdown.append(
            {
                "area": child.code,
                "name": child.display_name,
                "children_registered": f["children_registered"],
                "referrals": f["referrals"],
                "overdue": f["overdue"],
            }
        )
    return {
        "area": area.code if area else None,
        "name": area.display_name if area else "Indonesia",
        "level": area.level if area else None,
        "children_registered": figures["children_registered"],
        "needs": figures["needs"],
        "referrals_by_status": figures["referrals_by_status"],
        "referrals_by_service": figures["referrals_by_service"],
        "median_days_to_accept": figures["median_days_to_accept"],
        "median_days_to_complete": figures["median_days_to_complete"],
        "overdue": figures["overdue"],
        "breakdown": breakdown,
        "computed_at": data["computed_at"],
    }


# --- counts other products report against (portal.core.reporting.register_area_count) ----------------------


def children_registered_counts(*, area: Area | None, child_codes: list[str], public: bool = False) -> dict:
    """Children registered (all time) in the area's subtree (None: the country) and in each child subtree.
    Exact for coordinators (one GROUP BY on the case's area code prefix); for anyone, the suppressed figures of the
    public indicators ("<5", None for a withheld count; None for a desa, which is never published)."""
    if public:
        try:
            nodes = public_dataset()["nodes"]
        except Exception:  # a cache that is down: compute them, never an error page
            nodes = _public_dataset()["nodes"]
        zero = 0

        def shown(code):
            node = nodes.get(code)
            if node is None:
                return zero if len(code) <= KEC_LEN else None
            return node["children_registered"]

        return {"total": shown(area.code if area else ""), "by_code": {c: shown(c) for c in child_codes}}
    return _children_counts_one_query(area=area, child_codes=child_codes)


def children_registered_counts_direct(*, area: Area | None, child_codes: list[str]) -> dict:
    """The exact counts straight from the cases (before the summaries are built; the tests' reference)."""
    qs = ChildCase.objects.order_by()
    if area is not None:
        qs = qs.filter(areas_within_q([area.code], field="area__code"))
    by_code = dict.fromkeys(child_codes, 0)
    total = 0
    if child_codes:
        length = len(child_codes[0])
        for row in qs.annotate(k=Substr("area__code", 1, length)).values("k").annotate(n=Count("pk")):
            total += row["n"]
            if row["k"] in by_code and (len(row["k"]) == length):
                by_code[row["k"]] += row["n"]
    else:
        total = qs.count()
    return {"total": total, "by_code": by_code}


DIRECT = "#direct"  # marks the rows of the direct branch below (never an area code)


def _children_counts_one_query(*, area: Area | None, child_codes: list[str]) -> dict:
    """children_registered_counts(), exact, in one query: the summaries' month rows of children registered
    (each node's row counts its whole subtree) once they are built, else the GROUP BY over the cases of the
    subtree; the two branches of a UNION, each guarded by the summaries' state (PostgreSQL evaluates the guard
    once and never scans the branch it rules out)."""
    from .models import Grain, Kind, Summary, SummaryState

    built = Exists(SummaryState.objects.filter(pk=1, built_at__isnull=False))
    own = Q(node=area.code) if area is not None else Q(parent="")
    summarised = (
        Summary.objects.filter(built, own | Q(node__in=child_codes), grain=Grain.MONTH, kind=Kind.CASE)
        .order_by()
        .values("node", "parent")
        .annotate(n=Sum("n"))
    )
    cases = ChildCase.objects.filter(~built).order_by()
    if area is not None:
        cases = cases.filter(areas_within_q([area.code], field="area__code"))
    length = len(child_codes[0]) if child_codes else 0
    prefix = Substr("area__code", 1, length) if child_codes else Value("")
    direct = (
        cases.annotate(node=prefix, parent=Value(DIRECT)).values("node", "parent").annotate(n=Count("pk"))
    )
    by_code = dict.fromkeys(child_codes, 0)
    total = 0
    for row in summarised.union(direct, all=True):
        if row["parent"] == DIRECT:
            total += row["n"]
            if row["node"] in by_code and len(row["node"]) == length:
                by_code[row["node"]] += row["n"]
            continue
        if row["node"] in by_code:
            by_code[row["node"]] += row["n"]
        if (row["node"] == area.code) if area is not None else (row["parent"] == ""):
            total += row["n"]
    return {"total": total, "by_code": by_code}


def overdue_referrals(*, area: Area, filters: Filters, now=None):
    """The referrals counted in the dashboard's "Overdue now" (the same area, period, service and agency), most
    overdue first, with their case, service and agency; `deadline` is the one that was missed. Never a child's
    identity is read from here: the pages show the case code."""
    now = now or timezone.now()
    return (
        referrals_in(area=area, filters=filters)
        .filter(overdue_q(now=now))
        .select_related("case", "case__village", "service", "agency")
        .annotate(
            deadline=Case(
                When(status=Status.SENT, then=F("due_at")),
                default=F("completion_due_at"),
                output_field=DateTimeField(),
            )
        )
        .order_by("deadline", "pk")
    )
