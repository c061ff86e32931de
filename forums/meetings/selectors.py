"""Reads for meetings, action items and proposals. Every list is one query plus a fixed few (prefetches);
permission filtering happens in the database (the forum grants of forums/permissions.py).

Who sees an action item: whoever reads the forum that follows it up or the forum of the meeting that decided
it, its owners, and the liaisons of the agency named as its owner. Who sees a meeting: whoever reads its forum
(the minutes draft only its facilitators)."""

import datetime as dt

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.areas.models import Area
from portal.areas.selectors import areas_within_q
from portal.core.errors import InvalidInput, NotFound
from portal.core.workdays import WITA, local_date
from portal.people.selectors import user_oversees_area

from ..models import Forum, Thread, ThreadKind
from ..permissions import MODERATE, VIEW, forum_perms, readable_forum_ids
from .models import (
    ActionItem,
    ActionItemEvent,
    ActionStatus,
    AgendaItem,
    CalendarFeed,
    Decision,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalStatus,
)

PANEL_ITEMS = 10


def today() -> dt.date:
    return local_date(timezone.now())


# --- meetings --------------------------------------------------------------------------------------------


def valid_pk(pk) -> bool:
    """An id the database can hold (a 64-bit integer): anything else is simply not found, never a 500."""
    try:
        return -(2**63) < int(pk) < 2**63
    except (TypeError, ValueError):
        return False


def meeting_get(*, user, pk) -> Meeting:
    """A meeting the person can see (NotFound otherwise), with its forum and area."""
    if not valid_pk(pk):
        raise NotFound(_("This meeting does not exist or you cannot see it."))
    meeting = (
        Meeting.objects.select_related("forum__area", "created_by", "attendance", "minutes_post__thread")
        .filter(pk=pk)
        .first()
    )
    if meeting is None or VIEW not in forum_perms(user=user, forum=meeting.forum):
        raise NotFound(_("This meeting does not exist or you cannot see it."))
    return meeting


def meeting_detail(*, meeting: Meeting) -> Meeting:
    """Load what the meeting page and the API show: agenda (with threads), attendees, decisions with their
    action items, owners and agencies. A fixed number of queries whatever the meeting holds."""
    items = ActionItem.objects.select_related(
        "agency", "raised_to__area", "forum__area", "taken_over_by"
    ).prefetch_related("owners")
    meeting.agenda_list = list(
        AgendaItem.objects.filter(meeting=meeting).select_related("thread__forum__area").order_by("position")
    )
    meeting.decision_list = list(
        Decision.objects.filter(meeting=meeting)
        .prefetch_related(Prefetch("action_items", queryset=items.order_by("due_on", "pk")))
        .order_by("position")
    )
    meeting.item_list = [i for d in meeting.decision_list for i in d.action_items.all()]
    meeting.attendee_list = list(meeting.attendees.order_by("display_name", "username"))
    return meeting


def meeting_attendance(meeting: Meeting):
    try:
        return meeting.attendance
    except Meeting.attendance.RelatedObjectDoesNotExist:
        return None


def forum_meetings(*, forum: Forum) -> dict:
    """The forum's meetings: upcoming (soonest first) and past (latest first, 30 at most)."""
    start = dt.datetime.combine(today(), dt.time(0, 0), tzinfo=WITA)
    qs = Meeting.objects.filter(forum=forum).annotate(agenda_count=Count("agenda_items"))
    upcoming = list(
        qs.filter(starts_at__gte=start, status=MeetingStatus.SCHEDULED).order_by("starts_at", "pk")[:30]
    )
    past = list(qs.exclude(pk__in=[m.pk for m in upcoming]).order_by("-starts_at", "-pk")[:30])
    return {"upcoming": upcoming, "past": past}


def forum_meetings_list(*, forum: Forum) -> QuerySet[Meeting]:
    """All of a forum's meetings, latest first, with their agenda prefetched (the API list)."""
    return (
        Meeting.objects.filter(forum=forum)
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position")))
        .order_by("-starts_at", "-pk")
    )


def forum_agenda_threads(*, forum: Forum) -> list[Thread]:
    """Threads a facilitator may put on an agenda: the unresolved threads escalated into the forum first, then
    the latest discussions and cases (40 at most)."""
    qs = Thread.objects.filter(forum=forum).exclude(kind=ThreadKind.MEETING)
    escalated = list(
        qs.filter(escalated_from__isnull=False, resolved_at__isnull=True).order_by("-escalated_at")[:20]
    )
    rest = list(qs.exclude(pk__in=[t.pk for t in escalated]).order_by("-last_post_at")[: 40 - len(escalated)])
    return escalated + rest


def forum_people(*, forum: Forum):
    """People who can read the forum and belong to its area (the names a facilitator picks from), plus its
    overseers: attendees and action item owners are chosen among them."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            forumuserobjectpermission__content_object=forum,
            forumuserobjectpermission__permission__codename=VIEW,
        )
        .distinct()
        .order_by("display_name", "username")
    )


def upcoming_meetings_for(*, user, days_back: int = 90) -> QuerySet[Meeting]:
    """Meetings of every forum the person can read, from `days_back` days ago on (the calendar feed)."""
    since = timezone.now() - dt.timedelta(days=days_back)
    return (
        Meeting.objects.filter(forum_id__in=readable_forum_ids(user=user), starts_at__gte=since)
        .select_related("forum__area")
        .order_by("starts_at", "pk")[:500]
    )


def calendar_feed_user(*, token: str):
    """The person whose secret calendar feed this is, or NotFound (an old or wrong token)."""
    token = (token or "").strip()
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first() if token else None
    if feed is None or not feed.user.is_active:
        raise NotFound(_("This calendar address is not valid (it may have been replaced)."))
    return feed.user


# --- action items ----------------------------------------------------------------------------------------


def _visible_q(user) -> Q:
    if user.is_superuser:
        return Q()
    readable = readable_forum_ids(user=user)
    owned = ActionItem.owners.through.objects.filter(user_id=user.pk).values("actionitem_id")
    return (
        Q(forum_id__in=readable)
        | Q(meeting__forum_id__in=readable)
        | Q(pk__in=owned)
        | Q(agency__group__in=user.groups.values("pk"))
    )


def _mine_q(user) -> Q:
    owned = ActionItem.owners.through.objects.filter(user_id=user.pk).values("actionitem_id")
    return Q(pk__in=owned) | Q(agency__group__in=user.groups.values("pk"))


def overdue_q(*, on: dt.date | None = None) -> Q:
    """Open and past the due date (a WITA day)."""
    return Q(status=ActionStatus.OPEN, due_on__lt=on or today())


def _with_related(qs):
    return qs.select_related(
        "forum__area", "meeting", "agency", "raised_to__area", "taken_over_from__forum__area", "taken_over_by"
    ).prefetch_related("owners")


def action_items_list(
    *, user, area: str = "", status: str = "", mine: bool = False, overdue: bool | None = None
) -> QuerySet[ActionItem]:
    """The action items the person can see, soonest due first; filters: `area` (a code: items of the forums in
    that subtree), `status` (open, done, dropped, taken_over), `mine` (owned by the person or their agency),
    `overdue` (open past the due date, or not). InvalidInput for an unknown status or area."""
    if not user.is_authenticated:
        return ActionItem.objects.none()
    qs = ActionItem.objects.filter(_visible_q(user))
    if status:
        if status not in ActionStatus.values:
            msg = _("Choose a status: %(list)s.") % {"list": ", ".join(ActionStatus.values)}
            raise InvalidInput(msg, errors={"status": [msg]})
        qs = qs.filter(status=status)
    if area:
        if not Area.objects.filter(code=area).exists():
            msg = _("No area has the code %(code)s.") % {"code": area}
            raise InvalidInput(msg, errors={"area": [msg]})
        qs = qs.filter(areas_within_q([area], field="forum__area__code"))
    if mine:
        qs = qs.filter(_mine_q(user))
    if overdue is True:
        qs = qs.filter(overdue_q())
    elif overdue is False:
        qs = qs.exclude(overdue_q())
    return _with_related(qs).order_by("due_on", "pk")


def action_item_get(*, user, pk) -> ActionItem:
    """One action item the person can see; NotFound otherwise (the same for one that does not exist)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("This action item does not exist or you cannot see it.")) from None
    if not user.is_authenticated or not -(2**63) < pk < 2**63:
        raise NotFound(_("This action item does not exist or you cannot see it."))
    item = _with_related(ActionItem.objects.filter(_visible_q(user), pk=pk)).first()
    if item is None:
        raise NotFound(_("This action item does not exist or you cannot see it."))
    return item


def action_item_history(*, item: ActionItem) -> QuerySet[ActionItemEvent]:
    return ActionItemEvent.objects.filter(item=item).select_related("by").order_by("at", "pk")


FORUM_ITEMS_MAX = 60


def forum_action_items(*, forum: Forum) -> list[ActionItem]:
    """The open action items raised to this forum and those it follows up itself, in one query (the forum page
    shows both: its "needs attention" list and its meetings panel), raised ones first, then by due date."""
    qs = (
        ActionItem.objects.filter(Q(forum=forum) | Q(raised_to=forum), status=ActionStatus.OPEN)
        .annotate(
            raised_here=Case(
                When(raised_to=forum, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("raised_here", "due_on", "pk")
    )
    return list(_with_related(qs)[:FORUM_ITEMS_MAX])


def forum_open_action_items(*, forum: Forum, limit: int = PANEL_ITEMS, items=None) -> dict:
    """The open action items the forum follows up, soonest due first: `items` (at most `limit`), `count` and
    `more`. `items`: forum_action_items() already read for this page (no query then)."""
    items = forum_action_items(forum=forum) if items is None else items
    own = [i for i in items if i.forum_id == forum.pk]
    return {"items": own[:limit], "count": len(own), "more": len(own) > limit, "today": today()}


def needs_attention_action_items(*, forum: Forum, items=None) -> list[ActionItem]:
    """Overdue action items of the forums below raised to this one and still open (not yet taken over)."""
    items = forum_action_items(forum=forum) if items is None else items
    return [i for i in items if i.raised_to_id == forum.pk and i.forum_id != forum.pk][:50]


def my_action_items(*, user, limit: int = PANEL_ITEMS) -> dict:
    """The person's open action items (named, or through their agency), soonest due first."""
    if not user.is_authenticated:
        return {"items": [], "count": 0}
    qs = ActionItem.objects.filter(_mine_q(user), status=ActionStatus.OPEN)
    return {"items": list(_with_related(qs).order_by("due_on", "pk")[:limit]), "count": qs.count()}


def subtree_open_action_items(*, area: Area, limit: int = PANEL_ITEMS) -> dict:
    """Open action items of every forum in the area's subtree (the area page, for those who oversee it)."""
    qs = ActionItem.objects.filter(
        areas_within_q([area.code], field="forum__area__code"), status=ActionStatus.OPEN
    )
    return {
        "items": list(_with_related(qs).order_by("due_on", "pk")[:limit]),
        "count": qs.count(),
        "overdue": qs.filter(due_on__lt=today()).count(),
        "today": today(),
    }


# --- panels for the platform's registries ----------------------------------------------------------------


def action_items_area_panel(*, request, area):
    """portal.areas.panels: the open action items of the area's subtree, for its overseers only."""
    user = request.user
    if not user.is_authenticated or not (user.is_superuser or user_oversees_area(user=user, area=area)):
        return None
    data = subtree_open_action_items(area=area)
    return "forums/meetings/panels/area_action_items.html", {"area": area, **data}


def my_action_items_home_panel(*, request):
    """portal.core.home: the person's open action items on their home page (nothing when they have none)."""
    data = my_action_items(user=request.user)
    if not data["count"]:
        return None
    return "forums/meetings/panels/home_action_items.html", {**data, "today": today()}


# --- proposals -------------------------------------------------------------------------------------------


def proposal_get(*, user, pk) -> Proposal:
    if not valid_pk(pk):
        raise NotFound(_("This proposal does not exist or you cannot see it."))
    proposal = Proposal.objects.select_related("forum__area", "village").filter(pk=pk).first()
    if proposal is None or VIEW not in forum_perms(user=user, forum=proposal.forum):
        if proposal is not None and _reads_village_forum(user=user, proposal=proposal):
            return proposal
        raise NotFound(_("This proposal does not exist or you cannot see it."))
    return proposal


def _reads_village_forum(*, user, proposal: Proposal) -> bool:
    forum = Forum.objects.filter(area=proposal.village).first()
    return forum is not None and VIEW in forum_perms(user=user, forum=forum)


def forum_proposals(*, forum: Forum) -> QuerySet[Proposal]:
    """Proposals the forum made; for a desa forum also those of its dusun (the village deliberation decides)."""
    q = Q(forum=forum)
    if proposal_is_village(forum):
        q |= Q(village=forum.area)
    return (
        Proposal.objects.filter(q)
        .select_related("forum__area", "village", "decided_by", "submitted_by")
        .prefetch_related("services")
        .order_by("-plan_year", "status", "-submitted_at", "-pk")
    )


def proposal_is_village(forum: Forum) -> bool:
    from portal.areas.models import Level

    return forum.area.level == Level.VILLAGE


def can_decide_proposals(*, user, forum: Forum) -> bool:
    return proposal_is_village(forum) and MODERATE in forum_perms(user=user, forum=forum)


def accepted_proposal_get(*, pk: int) -> Proposal | None:
    """One proposal accepted into a village plan, by id, or None (unknown or not accepted). The seam's lookup for
    a budget line's link back to its proposal (commitments)."""
    return (
        Proposal.objects.filter(pk=pk, status=ProposalStatus.ACCEPTED)
        .select_related("village", "forum__area")
        .first()
    )


def accepted_proposals(*, area: Area, year: int | None) -> QuerySet[Proposal]:
    """The seam for the commitments app (budget lines link to accepted proposals): the proposals accepted into
    the village plan (RKPDes) of `year` (every year for None) for every desa in `area`'s subtree (a desa, a kecamatan, ...), oldest
    first. Each carries `title`, `description`, `estimated_cost_idr` (int rupiah), `plan_year`, `village`
    (Area), `forum` (Forum), `services` (prefetched Service rows) and `decided_at`. No personal data beyond the
    forum's name. No permission check: proposals accepted into a village plan are public information."""
    return (
        Proposal.objects.filter(
            areas_within_q([area.code], field="village__code"),
            status=ProposalStatus.ACCEPTED,
            **({"plan_year": year} if year is not None else {}),
        )
        .select_related("village", "forum__area")
        .prefetch_related("services")
        .order_by("decided_at", "pk")
    )
