"""The meetings section of the dashboard (portal.core.reporting): meetings held per area and quarter, attendance
by sex and group, action items open / done / overdue, median days to done, proposals submitted / accepted; and
the public figures per province, kabupaten and kecamatan (meetings held, action items done), small-cell
suppressed with the platform's suppression (portal.core.suppression), as the public indicators are.

Rules (the page says the same): a meeting counts in the quarter (WITA) it took place, if held (attendance,
minutes or a decision recorded); attendance is that of the held meetings; an action item counts with the
meeting that decided it, where its forum is now (a taken-over item counts once at the higher forum, and once as
"taken over" below); overdue = open past its due date today; days to done are calendar days from the meeting's
record of the item to done; proposals count in the period they were submitted. Aggregates only: no names."""

import datetime as dt
import logging
import statistics
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.areas.models import Area, Level
from portal.areas.selectors import areas_within_q
from portal.core import suppression
from portal.core.reporting import ReportSection
from portal.core.workdays import WITA, local_date, start_of_day

from .models import ActionItem, ActionStatus, Attendance, Meeting, MeetingStatus, Proposal, ProposalStatus

PUBLIC_METRICS = ("meetings_held", "action_items_done")
logger = logging.getLogger(__name__)
MAX_QUARTERS = 8


VERSION_KEY = "meetings:data-version"
FIGURES_CACHE_SECONDS = 5 * 60  # overdue counts move with the clock


def data_version() -> int:
    """A number every write to meetings, action items or proposals bumps (services call data_changed): the
    figures' cache keys carry it, so a cached figure is never older than the data (STYLE.md: caching without
    lying). A cache outage costs the cache, never the page."""
    try:
        value = cache.get(VERSION_KEY)
        if value is None:
            # Missing (evicted, or a new cache): start from the clock, never from 0 again, so no figure cached
            # under an earlier count is named by the new one.
            cache.add(VERSION_KEY, _fresh_version(), None)
            value = cache.get(VERSION_KEY)
        return int(value or 0)
    except Exception:  # noqa: BLE001 - the cache is an optimisation
        return -1


def _fresh_version() -> int:
    import time

    return int(time.time() * 1000)


def data_changed() -> None:
    """Called by the write services, after their transaction commits."""
    from django.db import transaction

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, _fresh_version(), None)
        except Exception:  # noqa: BLE001 - figures then refresh with the five-minute bucket
            logger.warning("meetings: the data version could not be bumped (cache unavailable)")

    transaction.on_commit(bump)


def _cached(key: str, compute):
    version = data_version()
    if version < 0:
        return compute()
    bucket = int(timezone.now().timestamp()) // FIGURES_CACHE_SECONDS
    full = f"meetings:{key}:v{version}:{bucket}"
    try:
        data = cache.get(full)
    except Exception:  # noqa: BLE001
        return compute()
    if data is None:
        data = compute()
        try:
            cache.set(full, data, FIGURES_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("meetings: figures could not be cached (cache unavailable)")
    return data


def _period(field: str, date_from, date_to) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": start_of_day(date_from)})
    if date_to:
        q &= Q(**{f"{field}__lt": start_of_day(date_to + dt.timedelta(days=1))})
    return q


def _quarter_label(value) -> str:
    day = value.astimezone(WITA).date() if isinstance(value, dt.datetime) else value
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _child_of(code: str, depth: int) -> str:
    return ".".join(code.split(".")[: depth + 1])


def figures(*, area: Area, date_from=None, date_to=None) -> dict:
    """figures_compute(), cached until meetings data changes (and at most five minutes): no query when warm."""
    key = f"fig:{area.code}:{date_from}:{date_to}"
    return _cached(key, lambda: figures_compute(area=area, date_from=date_from, date_to=date_to))


def figures_compute(*, area: Area, date_from=None, date_to=None) -> dict:
    """The section's figures for `area`'s subtree (JSON-serialisable; dates: WITA days, inclusive). A fixed
    number of aggregate queries whatever the data: meetings per (forum area, quarter), attendance sums,
    action items per (forum area, status) with the overdue count, the done durations, proposals per status."""
    today = local_date(timezone.now())
    within = areas_within_q([area.code], field="forum__area__code")
    children = list(Area.objects.filter(parent=area).order_by("code"))
    names = {c.code: c.display_name for c in children}
    depth = area.depth

    held = Meeting.objects.filter(within, _period("starts_at", date_from, date_to), status=MeetingStatus.HELD)
    rows = (
        held.annotate(q=TruncQuarter("starts_at", tzinfo=WITA))
        .values("forum__area__code", "q")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_quarter: dict[str, int] = defaultdict(int)
    per_area: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    meetings_held = 0
    for r in rows:
        label = _quarter_label(r["q"])
        by_quarter[label] += r["n"]
        meetings_held += r["n"]
        code = r["forum__area__code"]
        key = _child_of(code, depth) if code != area.code else area.code
        per_area[key][label] += r["n"]
    quarters = sorted(by_quarter)[-MAX_QUARTERS:]

    sums = Attendance.objects.filter(meeting__in=held).aggregate(
        **{f: Sum(f) for f in ("female", "male", "adults", "children", *Attendance.STAKEHOLDERS)}
    )
    sums = {k: v or 0 for k, v in sums.items()}
    attendance = {
        "total": sums["female"] + sums["male"],
        "female": sums["female"],
        "male": sums["male"],
        "adults": sums["adults"],
        "children": sums["children"],
        "stakeholders": {k: sums[k] for k in Attendance.STAKEHOLDERS},
    }

    items = ActionItem.objects.filter(within, _period("meeting__starts_at", date_from, date_to))
    item_rows = (
        items.values("forum__area__code", "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(status=ActionStatus.OPEN, due_on__lt=today)))
        .order_by()
    )
    totals = {s: 0 for s in ActionStatus.values}
    overdue = 0
    per_area_items: dict[str, dict[str, int]] = defaultdict(lambda: {"open": 0, "done": 0, "overdue": 0})
    for r in item_rows:
        totals[r["status"]] += r["n"]
        overdue += r["late"]
        code = r["forum__area__code"]
        key = _child_of(code, depth) if code != area.code else area.code
        if r["status"] in ("open", "done"):
            per_area_items[key][r["status"]] += r["n"]
        per_area_items[key]["overdue"] += r["late"]
    durations = [
        (local_date(done) - local_date(created)).days
        for created, done in items.filter(status=ActionStatus.DONE, done_at__isnull=False).values_list(
            "created_at", "done_at"
        )
    ]

    proposals = Proposal.objects.filter(
        areas_within_q([area.code], field="forum__area__code"), _period("submitted_at", date_from, date_to)
    )
    p_rows = proposals.values("status").annotate(n=Count("pk"), cost=Sum("estimated_cost_idr")).order_by()
    p = {r["status"]: r for r in p_rows}

    breakdown = []
    for code in [c.code for c in children] + (
        [area.code] if area.code in per_area or area.code in per_area_items else []
    ):
        breakdown.append(
            {
                "area": code,
                "name": names.get(code, area.display_name),
                "meetings_held": sum(per_area.get(code, {}).values()),
                "quarters": {q: per_area.get(code, {}).get(q, 0) for q in quarters},
                "action_items_open": per_area_items.get(code, {}).get("open", 0),
                "action_items_done": per_area_items.get(code, {}).get("done", 0),
                "action_items_overdue": per_area_items.get(code, {}).get("overdue", 0),
                "itself": code == area.code,
            }
        )
    return {
        "meetings_held": meetings_held,
        "quarters": quarters,
        "by_quarter": [{"quarter": q, "held": by_quarter[q]} for q in quarters],
        "attendance": attendance,
        "action_items": {**totals, "overdue": overdue},
        "median_days_to_done": statistics.median(durations) if durations else None,
        "proposals": {
            "submitted": sum(r["n"] for r in p.values()),
            "accepted": p.get(ProposalStatus.ACCEPTED, {}).get("n", 0),
            "not_accepted": p.get(ProposalStatus.NOT_ACCEPTED, {}).get("n", 0),
            "waiting": p.get(ProposalStatus.SUBMITTED, {}).get("n", 0),
            "accepted_cost_idr": int(p.get(ProposalStatus.ACCEPTED, {}).get("cost") or 0),
        },
        "breakdown": [
            r for r in breakdown if not r["itself"] or r["meetings_held"] or r["action_items_open"]
        ],
    }


STAKEHOLDER_LABELS = {
    "village_government": gettext_lazy("Village government"),
    "health": gettext_lazy("Health"),
    "education": gettext_lazy("Education"),
    "religious_leaders": gettext_lazy("Religious leaders"),
    "cso": gettext_lazy("Civil society organisations (CSO)"),
    "agency": gettext_lazy("Government agencies"),
}


def export_tables(figures: dict) -> list:
    """The section as tables for the CSV/XLSX exports (the first row of each is its header)."""
    quarters = figures["quarters"]
    per_area = [[_("Area"), *quarters, _("Meetings held")]] + [
        [r["name"], *[r["quarters"].get(q, 0) for q in quarters], r["meetings_held"]]
        for r in figures["breakdown"]
    ]
    a = figures["attendance"]
    attendance = [
        [_("Attendance"), _("Count")],
        [_("Participants"), a["total"]],
        [_("Women and girls (P)"), a["female"]],
        [_("Men and boys (L)"), a["male"]],
        [_("Adults"), a["adults"]],
        [_("Children and adolescents"), a["children"]],
        *[[str(STAKEHOLDER_LABELS[k]), v] for k, v in a["stakeholders"].items()],
    ]
    i = figures["action_items"]
    items = [
        [_("Action items"), _("Count")],
        [_("Open"), i["open"]],
        [_("Done"), i["done"]],
        [_("Dropped"), i["dropped"]],
        [_("Taken over by the next tier"), i["taken_over"]],
        [_("Overdue now"), i["overdue"]],
        [
            _("Median days to done"),
            "" if figures["median_days_to_done"] is None else figures["median_days_to_done"],
        ],
    ]
    per_area_items = [[_("Area"), _("Open"), _("Done"), _("Overdue now")]] + [
        [r["name"], r["action_items_open"], r["action_items_done"], r["action_items_overdue"]]
        for r in figures["breakdown"]
    ]
    p = figures["proposals"]
    proposals = [
        [_("Proposals to the village plan"), _("Count")],
        [_("Submitted"), p["submitted"]],
        [_("Accepted into the plan"), p["accepted"]],
        [_("Not accepted"), p["not_accepted"]],
        [_("Waiting for a decision"), p["waiting"]],
        [_("Accepted, estimated cost (Rp)"), p["accepted_cost_idr"]],
    ]
    return [
        (_("Meetings held per area and quarter"), per_area),
        (_("Meeting attendance"), attendance),
        (_("Action items"), items),
        (_("Action items per area"), per_area_items),
        (_("Proposals"), proposals),
    ]


# --- public figures ---------------------------------------------------------------------------------------

PUBLIC_LEVELS = (Level.PROVINCE, Level.REGENCY, Level.DISTRICT)


def _public_node(code: str) -> str:
    """The published node an area's figures roll into: itself up to the kecamatan, its kecamatan below."""
    return ".".join(code.split(".")[:3])


def _public_dataset() -> dict:
    """Meetings held and action items done for the country, every province, kabupaten and kecamatan with data,
    suppressed together (one system of equations: parent = its children + its own forum's), so that no page
    contradicts another and no withheld count can be recovered. Two GROUP BY queries."""
    values: dict = defaultdict(int)
    rows = {
        "meetings_held": Meeting.objects.filter(status=MeetingStatus.HELD)
        .values("forum__area__code")
        .annotate(n=Count("pk"))
        .order_by(),
        "action_items_done": ActionItem.objects.filter(status=ActionStatus.DONE)
        .values("forum__area__code")
        .annotate(n=Count("pk"))
        .order_by(),
    }
    kids: dict = defaultdict(set)
    for metric, qs in rows.items():
        for r in qs:
            node = _public_node(r["forum__area__code"])
            parts = node.split(".")
            chain = [""] + [".".join(parts[: i + 1]) for i in range(len(parts))]
            for i, n in enumerate(chain):
                values[(metric, n)] += r["n"]
                if i:
                    kids[(metric, chain[i - 1])].add(n)
            if len(parts) < 3:  # the forum of a province or kabupaten itself
                values[(metric, "own", node)] += r["n"]
                kids[(metric, node)].add(("own", node))
    equations = []
    for (metric, parent), children in kids.items():
        parts = tuple(
            (metric, *c) if isinstance(c, tuple) else (metric, c) for c in sorted(children, key=repr)
        )
        equations.append(suppression.Equation((metric, parent), parts))
    hidden = suppression.suppress(dict(values), equations)
    return {
        key: suppression.display(value, hidden=key in hidden)
        for key, value in values.items()
        if len(key) == 2
    }


def public_dataset() -> dict:
    """_public_dataset(), cached until meetings data changes (and at most five minutes)."""
    return _cached("public", _public_dataset)


def public_figures(*, area) -> dict | None:
    """For anyone: meetings held and action items done for the area (None: the whole country) and per child
    province / kabupaten / kecamatan (never desa); counts 1–4 as "<5", complements withheld (None)."""
    data = public_dataset()
    node = area.code if area is not None else ""

    def shown(metric, code):
        return data.get((metric, code), 0)

    if area is None:
        children = list(Area.objects.filter(level=Level.PROVINCE).order_by("code"))
    elif area.level in (Level.PROVINCE, Level.REGENCY):
        children = list(Area.objects.filter(parent=area).order_by("code"))
    else:
        children = []
    return {
        "area": area.code if area is not None else None,
        "meetings_held": shown("meetings_held", node),
        "action_items_done": shown("action_items_done", node),
        "breakdown": [
            {
                "area": c.code,
                "name": c.display_name,
                "meetings_held": shown("meetings_held", c.code),
                "action_items_done": shown("action_items_done", c.code),
            }
            for c in children
        ],
    }


SECTION = ReportSection(
    key="meetings",
    title=gettext_lazy("Forum meetings and action items"),
    order=20,
    template="forums/meetings/report_section.html",
    figures=figures,
    export_tables=export_tables,
    public_figures=public_figures,
    public_template="forums/meetings/report_public.html",
)
