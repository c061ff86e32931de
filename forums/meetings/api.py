"""Meetings and action items in API v1 (API.md, "Forums that meet"; README's contract additions). The same
selectors and services as the pages: 404 for what the caller cannot see, 403 for what they may not do, 409 for
a state that does not allow it, 422 for bad input. Times carry the WITA offset (+08:00); due dates are days."""

import datetime as dt

from ninja import Query, Router, Schema, Status

from portal.core.pagination import PageParams, paginate
from portal.core.schemas import Id, Line, Text
from portal.core.workdays import WITA

from .. import selectors as forum_selectors
from ..models import BODY_MAX
from ..permissions import MODERATE, forum_perms
from . import selectors, services
from .models import ACTION_NOTE_MAX, AGENDA_ITEM_MAX, MEETING_TITLE_MAX, PLACE_MAX, ActionItem, Meeting

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    agenda: list[str]
    status: str
    forum: str


class MeetingList(Schema):
    count: int
    results: list[MeetingOut]


class AttendanceOut(Schema):
    total: int
    female: int
    male: int
    adults: int
    children: int
    stakeholders: dict[str, int]
    attendees: list[str]


class MinutesOut(Schema):
    status: str  # none, draft (facilitators only), published
    body: str
    body_html: str
    thread: int | None
    published_at: dt.datetime | None
    edited_at: dt.datetime | None


class ActionItemOut(Schema):
    id: int
    title: str
    meeting: int
    forum: str
    owners: list[str]
    agency: int | None
    due_on: dt.date
    status: str
    overdue: bool
    raised_to: str | None
    taken_over_from: int | None
    taken_over_by: int | None


class DecisionOut(Schema):
    id: int
    text: str
    action_items: list[int]


class MeetingDetailOut(MeetingOut):
    attendance: AttendanceOut | None
    minutes: MinutesOut
    decisions: list[DecisionOut]
    action_items: list[ActionItemOut]


class ActionItemList(Schema):
    count: int
    results: list[ActionItemOut]


class MeetingIn(Schema):
    # Limits are documented here and enforced by the services with their other rules (every error at once).
    title: Line(MEETING_TITLE_MAX, service_checks=True) = ""
    starts_at: Line(40, service_checks=True) = ""  # ISO-8601; without an offset, WITA
    ends_at: Line(40, service_checks=True) | None = None
    place: Line(PLACE_MAX, service_checks=True) = ""
    agenda: list[Line(AGENDA_ITEM_MAX, service_checks=True)] = []
    threads: list[Id] = []


class MinutesIn(Schema):
    body: Text(BODY_MAX, service_checks=True) = ""
    publish: bool = False


class TransitionIn(Schema):
    action: Line(20) = ""
    note: Text(ACTION_NOTE_MAX) = ""


class ActionItemFilters(PageParams):
    area: str = ""
    status: str = ""
    mine: bool = False
    overdue: bool | None = None


def _wita(value):
    return value.astimezone(WITA) if value else None


def meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": _wita(meeting.starts_at),
        "ends_at": _wita(meeting.ends_at),
        "place": meeting.place,
        "agenda": [a.title for a in meeting.agenda_items.all()],
        "status": meeting.status,
        "forum": meeting.forum.area.code,
    }


def action_item_out(item: ActionItem, *, today: dt.date) -> dict:
    successor = item.successor
    return {
        "id": item.pk,
        "title": item.title,
        "meeting": item.meeting_id,
        "forum": item.forum.area.code,
        "owners": [u.username for u in item.owners.all()],
        "agency": item.agency_id,
        "due_on": item.due_on,
        "status": item.status,
        "overdue": item.status == "open" and item.due_on < today,
        "raised_to": item.raised_to.area.code if item.raised_to_id else None,
        "taken_over_from": item.taken_over_from_id,
        "taken_over_by": successor.pk if successor else None,
    }


def meeting_detail_out(meeting: Meeting, *, user) -> dict:
    meeting = selectors.meeting_detail(meeting=meeting)
    attendance = selectors.meeting_attendance(meeting)
    post = meeting.minutes_post
    if post is not None:
        minutes = {
            "status": "published",
            "body": post.body,
            "body_html": post.body_html,
            "thread": post.thread_id,
            "published_at": _wita(meeting.minutes_published_at),
            "edited_at": _wita(post.edited_at),
        }
    elif meeting.minutes_draft and MODERATE in forum_perms(user=user, forum=meeting.forum):
        minutes = {"status": "draft", "body": meeting.minutes_draft, "body_html": "", "thread": None,
                   "published_at": None, "edited_at": None}  # fmt: skip
    else:
        minutes = {"status": "none", "body": "", "body_html": "", "thread": None,
                   "published_at": None, "edited_at": None}  # fmt: skip
    today = selectors.today()
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": _wita(meeting.starts_at),
        "ends_at": _wita(meeting.ends_at),
        "place": meeting.place,
        "agenda": [a.title for a in meeting.agenda_list],
        "status": meeting.status,
        "forum": meeting.forum.area.code,
        "attendance": None
        if attendance is None
        else {
            "total": attendance.total,
            "female": attendance.female,
            "male": attendance.male,
            "adults": attendance.adults,
            "children": attendance.children,
            "stakeholders": attendance.stakeholders(),
            "attendees": [u.username for u in meeting.attendee_list],
        },
        "minutes": minutes,
        "decisions": [
            {"id": d.pk, "text": d.text, "action_items": [i.pk for i in d.action_items.all()]}
            for d in meeting.decision_list
        ],
        "action_items": [action_item_out(i, today=today) for i in meeting.item_list],
    }


@router.get("/forums/{area}/meetings", response=MeetingList)
def forum_meetings(request, area: str, params: Query[PageParams]):
    forum = forum_selectors.forum_get(user=request.user, code=area)
    result = paginate(
        selectors.forum_meetings_list(forum=forum), page=params.page, page_size=params.page_size
    )
    for m in result["results"]:
        m.forum = forum
    return {"count": result["count"], "results": [meeting_out(m) for m in result["results"]]}


@router.post("/forums/{area}/meetings", response={201: MeetingDetailOut})
def forum_meeting_create(request, area: str, payload: MeetingIn):
    forum = forum_selectors.forum_get(user=request.user, code=area)
    meeting = services.meeting_schedule(
        forum=forum,
        actor=request.user,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        agenda=payload.agenda,
        thread_ids=payload.threads,
        client_token=request.headers.get("Idempotency-Key", ""),
    )
    meeting = selectors.meeting_get(user=request.user, pk=meeting.pk)
    return Status(201, meeting_detail_out(meeting, user=request.user))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meeting_detail(request, meeting_id: int):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    return meeting_detail_out(meeting, user=request.user)


@router.post("/meetings/{meeting_id}/minutes", response=MeetingDetailOut)
def meeting_minutes(request, meeting_id: int, payload: MinutesIn):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    services.minutes_save(meeting=meeting, actor=request.user, body=payload.body, publish=payload.publish)
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    return meeting_detail_out(meeting, user=request.user)


@router.get("/action-items", response=ActionItemList)
def action_items(request, filters: Query[ActionItemFilters]):
    qs = selectors.action_items_list(
        user=request.user,
        area=filters.area,
        status=filters.status,
        mine=filters.mine,
        overdue=filters.overdue,
    )
    result = paginate(qs, page=filters.page, page_size=filters.page_size)
    today = selectors.today()
    return {"count": result["count"], "results": [action_item_out(i, today=today) for i in result["results"]]}


@router.post("/action-items/{item_id}/transitions", response=ActionItemOut)
def action_item_transition(request, item_id: int, payload: TransitionIn):
    item = services.action_item_transition(
        item_id=item_id, actor=request.user, action=payload.action, note=payload.note
    )
    item = selectors.action_item_get(user=request.user, pk=item.pk)
    return action_item_out(item, today=selectors.today())
