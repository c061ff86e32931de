"""The home page's referral panels (portal.core.home): what waits for the person's agency, and the overdue
referrals they work on or oversee. Case codes only, never a child's name; a fixed number of queries."""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.core.workdays import days_overdue
from portal.people.models import OVERSEER_ROLES, Membership

from .models import CaseTeamMember, Referral, Status
from .selectors import _group_ids, agency_inbox, overdue_q, referral_deadline

SHOWN = 5  # at most this many items per panel; "Lihat semua" leads to the full list when there are more
# A panel's count stops there ("999+"): counting a province's every overdue referral costs seconds.
COUNT_CAP = 999


def _full_list(url_name: str, query: str = "") -> str:
    """The full list's address by its URL name (the dashboard's overdue list is another product's page: named,
    never imported); "" when that product is not installed."""
    try:
        return reverse(url_name) + query
    except NoReverseMatch:
        return ""


def waiting_home_panel(*, request):
    """Referrals sent to the person's agencies and not yet answered, nearest deadline first."""
    user = request.user
    if not _group_ids(user):
        return None
    qs = agency_inbox(user=user, tab="new")
    rows = list(qs[: SHOWN + 1])
    if not rows:
        return None
    now = timezone.now()
    items = [
        {
            "pk": r.pk,
            "code": r.case.code,
            "service": r.service.name,
            "agency": r.agency.name,
            "due_at": r.due_at,
            "overdue": r.is_overdue,
            "days_overdue": days_overdue(r.due_at, now) if r.is_overdue else 0,
        }
        for r in rows[:SHOWN]
    ]
    count = qs.count()
    return "referrals/panels/home_waiting.html", {
        "items": items,
        "count": count,
        "more_url": _full_list("referrals:inbox", "?tab=new") if count > SHOWN else "",
    }


def overdue_home_panel(*, request):
    """Overdue referrals of the cases on the person's team and of the desa they oversee (as facilitator or
    coordinator: they see the case's code, desa, needs and statuses), most overdue first.

    Two small queries find what the person works on (their team's cases, the areas they oversee); someone with
    neither (a cadre, a liaison) costs nothing more. The referrals are then found by their desa's code range and
    by the team's cases, instead of testing every overdue referral in the country against two correlated
    subqueries (2.8 s at national scale, bench/run.py's home page)."""
    user = request.user
    codes = list(
        Membership.objects.filter(user=user, role__in=OVERSEER_ROLES).values_list("area__code", flat=True)
    )
    team = CaseTeamMember.objects.filter(user=user)
    on_team = team.exists()
    if not codes and not on_team:
        return None
    mine = Q(case__in=team.values("case")) if on_team else Q(pk__in=[])
    for code in codes:
        # The desa itself or one below the area (case_access: overseers of the case's desa or its ancestors).
        mine |= Q(case__village__code=code) | Q(
            case__village__code__gt=f"{code}.", case__village__code__lt=f"{code}/"
        )
    base = Referral.objects.filter(mine).select_related("case", "case__village", "service", "agency")
    now = timezone.now()
    # One query per status, each read in deadline order from its (status, deadline) index and stopped after
    # SHOWN + 1 rows, then merged: an ORDER BY over a CASE of two columns would sort every overdue referral of
    # a province first.
    rows = []
    for status, column in (
        (Status.SENT, "due_at"),
        (Status.ACCEPTED, "completion_due_at"),
        (Status.IN_PROGRESS, "completion_due_at"),
    ):
        rows += list(base.filter(status=status, **{f"{column}__lt": now}).order_by(column, "pk")[: SHOWN + 1])
    if not rows:
        return None
    rows.sort(key=lambda r: (referral_deadline(r), r.pk))
    count = Referral.objects.filter(overdue_q(now=now)).filter(mine).order_by()[: COUNT_CAP + 1].count()
    items = [
        {
            "code": r.case.code,
            "village": r.case.village.display_name,
            "service": r.service.name,
            "agency": r.agency.name,
            "waiting_agency": r.status == Status.SENT,
            "days_overdue": days_overdue(referral_deadline(r), now),
        }
        for r in rows[:SHOWN]
    ]
    # The overseers' full list is the dashboard's (/dashboard/overdue/); a case worker's own cases have none: the
    # count says how many there are.
    more_url = _full_list("dashboard:overdue") if count > SHOWN and codes else ""
    return "referrals/panels/home_overdue.html", {
        "items": items,
        "count": min(count, COUNT_CAP),
        "count_label": f"{COUNT_CAP}+" if count > COUNT_CAP else str(count),
        "more_url": more_url,
    }
