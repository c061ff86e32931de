"""The home page's referral panels (portal.core.home): what waits for the person's agency, and the overdue
referrals they work on or oversee. Case codes only, never a child's name; a fixed number of queries."""

from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Concat
from django.db.models.lookups import StartsWith
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from portal.core.workdays import days_overdue
from portal.people.models import OVERSEER_ROLES, Membership

from .models import CaseTeamMember, Referral, Status
from .selectors import _group_ids, agency_inbox, overdue_q, referral_deadline

SHOWN = 5  # at most this many items per panel; "Lihat semua" leads to the full list when there are more


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
    coordinator: they see the case's code, desa, needs and statuses), most overdue first."""
    user = request.user
    team = CaseTeamMember.objects.filter(case=OuterRef("case"), user=user)
    oversees = Membership.objects.filter(user=user, role__in=OVERSEER_ROLES).filter(
        Q(area__code=OuterRef("case__village__code"))
        | StartsWith(OuterRef("case__village__code"), Concat(F("area__code"), Value(".")))
    )
    qs = (
        Referral.objects.filter(overdue_q())
        .filter(Exists(team) | Exists(oversees))
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
    rows = list(qs[: SHOWN + 1])
    if not rows:
        return None
    now = timezone.now()
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
    count = qs.count()
    # The overseers' full list is the dashboard's (/dashboard/overdue/); a case worker's own cases have none: the
    # count says how many there are. (One query whatever the count: the home costs the same queries.)
    oversees_any = Membership.objects.filter(user=user, role__in=OVERSEER_ROLES).exists()
    more_url = _full_list("dashboard:overdue") if count > SHOWN and oversees_any else ""
    return "referrals/panels/home_overdue.html", {"items": items, "count": count, "more_url": more_url}
