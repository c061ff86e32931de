"""Writes for meetings, minutes, decisions, action items and proposals.

Who may do what (forum permissions, forums/permissions.py):
- schedule, record (attendance, minutes, decisions, action items), cancel, submit a proposal: the forum's
  facilitators and its overseers (MODERATE on the forum); a member reads (VIEW);
- an action item: its owners (named people, or the liaisons of the agency named) mark it done; the facilitators
  of its forum mark it done or drop it; once raised as overdue, the facilitators of the next tier's forum take it
  over (transitions.py);
- a proposal is decided by the facilitators of the desa forum (the village deliberation, musyawarah desa).

Each service checks, validates, writes in one transaction (rows locked for state changes), writes the audit
entry and notifies through portal.notifications (delivered after commit). Errors: NotFound 404 (also for what the
person may not see), Forbidden 403, Conflict 409, InvalidInput 422 with the field named."""

import datetime as dt
import re
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.areas.models import Level
from portal.audit.services import audit_log
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.core.workdays import WITA, local_date
from portal.people.models import OVERSEER_ROLES, Role

from ..models import BODY_MAX, BODY_MIN, Forum, Post, PostRevision, Thread, ThreadKind
from ..permissions import MODERATE, VIEW, forum_perms
from ..services import _render, _thread_write, clean_case_code, forum_ensure
from . import transitions as T
from .models import (
    ACTION_NOTE_MAX,
    ACTION_TITLE_MAX,
    AGENDA_ITEM_MAX,
    AGENDA_MAX_ITEMS,
    ATTENDANCE_MAX,
    COST_MAX_IDR,
    DECISION_MAX,
    MEETING_TITLE_MAX,
    PLACE_MAX,
    PROPOSAL_DESCRIPTION_MAX,
    PROPOSAL_TITLE_MAX,
    ActionItem,
    ActionItemEvent,
    ActionStatus,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalStatus,
)
from .reporting import data_changed

User = get_user_model()

REMIND_DAYS_BEFORE = 3  # owners are reminded this many days before the due date (once)
TAKE_OVER_DAYS = 14  # a taken-over item is due this many days after the take-over
YEAR_MIN, YEAR_MAX = 1900, 2100  # API.md: a date outside these years is 422

NIK_RE = re.compile(r"(?<!\d)\d{16}(?!\d)")  # a NIK (Nomor Induk Kependudukan) is 16 digits
CASE_CODE_IN_TEXT_RE = re.compile(r"\bAPM-\d{4}-\d{5}\b", re.IGNORECASE)


# --- helpers ---------------------------------------------------------------------------------------------


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors={field: [message]})


def _raise_all(errors: dict) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, errors=errors)


def _text(value, *, field: str, label: str, min_len: int, max_len: int) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        raise _invalid(field, _("%(label)s cannot be empty.") % {"label": label})
    if len(value) < min_len:
        raise _invalid(
            field, _("%(label)s needs at least %(n)s characters.") % {"label": label, "n": min_len}
        )
    if len(value) > max_len:
        raise _invalid(
            field,
            _("%(label)s can have at most %(n)s characters (it has %(len)s).")
            % {"label": label, "n": max_len, "len": len(value)},
        )
    return value


def clean_free_text(*, user, text: str, field: str) -> str:
    """The forum's rule for what people write about children, applied to minutes, decisions and action items: a
    child is named by the case code only, and only a case the writer may see; a NIK never appears."""
    if NIK_RE.search(text):
        raise _invalid(field, _("A NIK (16 digits) never belongs here: name a child by the case code only."))
    for code in sorted({c.upper() for c in CASE_CODE_IN_TEXT_RE.findall(text)}):
        try:
            clean_case_code(user=user, code=code)
        except InvalidInput as exc:
            raise _invalid(field, exc.message) from None
    return text


def _require(*, user, forum: Forum, perm: str) -> frozenset:
    perms = forum_perms(user=user, forum=forum)
    if VIEW not in perms:
        raise NotFound(_("This forum does not exist or you cannot see it."))
    if perm not in perms:
        raise Forbidden(_("Only the forum's facilitators and those who oversee it can do this."))
    return perms


def _notify(**kwargs) -> None:
    from portal.notifications.services import notify

    notify(**kwargs)


def when_text(moment: dt.datetime) -> str:
    """'24 Nov 2026 09:00 WITA': how a meeting's time is said in a notification or a calendar."""
    return date_format(moment.astimezone(WITA), "j M Y H:i") + " WITA"


def due_text(day: dt.date) -> str:
    return date_format(day, "j M Y")


def meeting_url(meeting: Meeting) -> str:
    return reverse("forums:meeting", args=[meeting.pk])


def action_item_url(item: ActionItem) -> str:
    return reverse("forums:action_item", args=[item.pk])


def area_people(area) -> list:
    """The people of an area's own forum (its members, case workers and facilitators), not the overseers above."""
    return list(User.objects.filter(memberships__area=area, is_active=True).distinct())


def next_tier_facilitators(forum: Forum) -> list:
    """The facilitators of the forum above (as for overdue referrals); its coordinators when it has none."""
    parent = forum.area.parent
    if parent is None:
        return []
    people = list(
        User.objects.filter(
            memberships__area=parent, memberships__role=Role.FACILITATOR, is_active=True
        ).distinct()
    )
    if not people:
        people = list(
            User.objects.filter(
                memberships__area__code__in=parent.lineage_codes,
                memberships__role__in=OVERSEER_ROLES,
                is_active=True,
            ).distinct()
        )
    return people


def _local_today() -> dt.date:
    return local_date(timezone.now())


def _aware(value, *, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise _invalid(field, _("Give a date and time, e.g. 2026-12-05T09:00.")) from None
    if not isinstance(value, dt.datetime):
        raise _invalid(field, _("Give a date and time, e.g. 2026-12-05T09:00."))
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise _invalid(field, _("The year must be between 1900 and 2100."))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=WITA)  # times people type are WITA
    return value


def _bump(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
    data_changed()


def _recordable(meeting: Meeting) -> None:
    """Attendance, minutes and decisions are recorded from the day of the meeting on, never for a cancelled one."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("This meeting was cancelled: nothing can be recorded for it."))
    if local_date(meeting.starts_at) > _local_today():
        raise Conflict(_("This meeting has not taken place yet: record it from the day of the meeting."))


def _mark_held(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.HELD:
        meeting.status, meeting.held_at = MeetingStatus.HELD, timezone.now()
        meeting.save(update_fields=["status", "held_at", "updated_at"])


# --- meetings --------------------------------------------------------------------------------------------


def _clean_agenda(agenda) -> list[str]:
    items = [str(a).strip() for a in (agenda or []) if str(a).strip()]
    if len(items) > AGENDA_MAX_ITEMS:
        raise _invalid("agenda", _("An agenda has at most %(n)s items.") % {"n": AGENDA_MAX_ITEMS})
    for item in items:
        if len(item) > AGENDA_ITEM_MAX:
            raise _invalid(
                "agenda", _("An agenda item has at most %(n)s characters.") % {"n": AGENDA_ITEM_MAX}
            )
    return items


def meeting_schedule(
    *,
    forum: Forum,
    actor,
    title: str,
    starts_at,
    place: str,
    ends_at=None,
    agenda: list[str] | None = None,
    thread_ids: list[int] | None = None,
    client_token: str = "",
) -> Meeting:
    """Schedule a meeting of `forum`: title (5–160 characters), `starts_at` (aware, or naive = WITA; a past time
    records a meeting that already took place), optional `ends_at` after it, place, agenda items (free text,
    one per item) and threads of this forum to discuss (each becomes an agenda item linking it). The forum's
    people are notified of a meeting still to come. Raises NotFound, Forbidden, InvalidInput."""
    _require(user=actor, forum=forum, perm=MODERATE)
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    checks = (
        (
            "title",
            lambda: clean_free_text(
                user=actor,
                text=_text(title, field="title", label=_("The title"), min_len=5, max_len=MEETING_TITLE_MAX),
                field="title",
            ),
        ),
        ("starts_at", lambda: _aware(starts_at, field="starts_at")),
        ("place", lambda: _text(place, field="place", label=_("The place"), min_len=2, max_len=PLACE_MAX)),
        ("agenda", lambda: _clean_agenda(agenda)),
    )
    for field, func in checks:
        try:
            clean[field] = func()
        except InvalidInput as exc:
            errors.update(exc.errors)
    clean["ends_at"] = None
    if ends_at not in (None, ""):
        try:
            clean["ends_at"] = _aware(ends_at, field="ends_at")
            if "starts_at" in clean and clean["ends_at"] <= clean["starts_at"]:
                raise _invalid("ends_at", _("The meeting must end after it starts."))
        except InvalidInput as exc:
            errors.update(exc.errors)
    threads = []
    ids = [int(i) for i in (thread_ids or []) if str(i).isdigit()]
    if ids:
        threads = list(Thread.objects.filter(pk__in=ids, forum=forum).exclude(kind=ThreadKind.MEETING))
        if len(threads) != len(set(ids)):
            errors["threads"] = [_("Choose threads of this forum.")]
    _raise_all(errors)
    client_token = (client_token or "")[:64]
    with transaction.atomic():
        if client_token:
            existing = Meeting.objects.filter(created_by=actor, client_token=client_token).first()
            if existing is not None:  # the same form or request sent twice: the first one stands
                return existing
        meeting = Meeting(
            forum=forum,
            title=clean["title"],
            starts_at=clean["starts_at"],
            ends_at=clean["ends_at"],
            place=clean["place"],
            created_by=actor,
            client_token=client_token,
        )
        meeting.full_clean(exclude=["forum", "created_by", "minutes_post"])
        meeting.save()
        rows = [AgendaItem(meeting=meeting, position=i, title=t) for i, t in enumerate(clean["agenda"], 1)]
        start = len(rows) + 1
        rows += [
            AgendaItem(meeting=meeting, position=start + i, title=t.title[:AGENDA_ITEM_MAX], thread=t)
            for i, t in enumerate(sorted(threads, key=lambda t: ids.index(t.pk)))
        ]
        AgendaItem.objects.bulk_create(rows)
        audit_log(actor=actor, action="meeting.schedule", target=meeting)
        data_changed()
        if meeting.starts_at > timezone.now():
            _notify(
                recipients=area_people(forum.area),
                kind="meeting.scheduled",
                params={
                    "title": meeting.title,
                    "forum": str(forum.name),
                    "when": when_text(meeting.starts_at),
                },
                url=meeting_url(meeting),
                actor=actor,
            )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor) -> Meeting:
    """Cancel a meeting that has not been held (Conflict otherwise); the forum's people are told."""
    _require(user=actor, forum=meeting.forum, perm=MODERATE)
    meeting = Meeting.objects.select_for_update().select_related("forum__area").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        return meeting
    if meeting.status == MeetingStatus.HELD:
        raise Conflict(_("This meeting was held: it cannot be cancelled."))
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["status", "cancelled_at", "version", "updated_at"])
    audit_log(actor=actor, action="meeting.cancel", target=meeting)
    data_changed()
    if meeting.starts_at > timezone.now():
        _notify(
            recipients=area_people(meeting.forum.area),
            kind="meeting.cancelled",
            params={
                "title": meeting.title,
                "forum": str(meeting.forum.name),
                "when": when_text(meeting.starts_at),
            },
            url=meeting_url(meeting),
            actor=actor,
        )
    return meeting


def next_meeting(*, forum: Forum) -> Meeting | None:
    """The forum's next scheduled meeting (not cancelled, not held, starting from today on), or None."""
    return (
        Meeting.objects.filter(
            forum=forum,
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=dt.datetime.combine(_local_today(), dt.time(0, 0), tzinfo=WITA),
        )
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def thread_put_on_agenda(*, thread: Thread, actor) -> AgendaItem:
    """Put a thread (also one escalated into this forum) on the agenda of its forum's next meeting. Idempotent:
    a thread already on that agenda keeps its place. Conflict when no meeting is scheduled."""
    _require(user=actor, forum=thread.forum, perm=MODERATE)
    if thread.kind == ThreadKind.MEETING:
        raise Conflict(_("These are the minutes of a meeting: they are not an agenda item."))
    meeting = next_meeting(forum=thread.forum)
    if meeting is None:
        raise Conflict(_("No meeting of this forum is scheduled: schedule one first."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    existing = AgendaItem.objects.filter(meeting=meeting, thread=thread).first()
    if existing is not None:
        return existing
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True)
    item = AgendaItem.objects.create(
        meeting=meeting, position=(last.first() or 0) + 1, title=thread.title[:AGENDA_ITEM_MAX], thread=thread
    )
    _bump(meeting)
    audit_log(actor=actor, action="meeting.agenda_add", target=meeting, detail={"thread": thread.pk})
    return item


def _forum_readers(forum: Forum, ids) -> list:
    return list(
        User.objects.filter(
            pk__in=ids,
            is_active=True,
            forumuserobjectpermission__content_object=forum,
            forumuserobjectpermission__permission__codename=VIEW,
        ).distinct()
    )


def _count(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise _invalid(field, _("Give a whole number.")) from None
    if number < 0:
        raise _invalid(field, _("A count cannot be negative."))
    if number > ATTENDANCE_MAX:
        raise _invalid(field, _("A count is at most %(n)s.") % {"n": ATTENDANCE_MAX})
    return number


ATTENDANCE_FIELDS = ("female", "male", "adults", "children", *Attendance.STAKEHOLDERS)


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor, counts: dict, attendee_ids=()) -> Attendance:
    """Record (or correct) who came: `counts` has female, male, adults, children and the stakeholder counts
    (Attendance.STAKEHOLDERS), whole numbers. Rules: women + men > 0; adults + children = women + men (the
    same people counted twice); the stakeholders are at most the total. `attendee_ids`: optional names of
    attending members (people who can read the forum). Marks the meeting held."""
    _require(user=actor, forum=meeting.forum, perm=MODERATE)
    meeting = Meeting.objects.select_for_update().select_related("forum__area").get(pk=meeting.pk)
    _recordable(meeting)
    errors: dict[str, list[str]] = {}
    values = {}
    for field in ATTENDANCE_FIELDS:
        try:
            values[field] = _count((counts or {}).get(field), field)
        except InvalidInput as exc:
            errors.update(exc.errors)
    _raise_all(errors)
    total = values["female"] + values["male"]
    if total == 0:
        raise _invalid("female", _("Count the participants: women and men together are at least 1."))
    if values["adults"] + values["children"] != total:
        raise _invalid(
            "adults",
            _(
                "Adults and children together (%(groups)s) must be the same as women and men together (%(total)s)."
            )
            % {"groups": values["adults"] + values["children"], "total": total},
        )
    stakeholders = sum(values[f] for f in Attendance.STAKEHOLDERS)
    if stakeholders > total:
        raise _invalid(
            "village_government",
            _("The stakeholders (%(n)s) cannot be more than the participants (%(total)s).")
            % {"n": stakeholders, "total": total},
        )
    ids = {int(i) for i in attendee_ids or () if str(i).isdigit()}
    people = _forum_readers(meeting.forum, ids) if ids else []
    if len(people) != len(ids):
        raise _invalid("attendees", _("Choose people of this forum."))
    if len(people) > total:
        raise _invalid("attendees", _("More names than participants: correct the counts."))
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting, defaults={**values, "recorded_by": actor}
    )
    meeting.attendees.set(people)
    _mark_held(meeting)
    _bump(meeting)
    audit_log(actor=actor, action="meeting.attendance", target=meeting, fields=list(ATTENDANCE_FIELDS))
    return attendance


def _minutes_title(meeting: Meeting) -> str:
    return _("Minutes: %(title)s (%(date)s)") % {
        "title": meeting.title,
        "date": date_format(meeting.starts_at.astimezone(WITA), "j M Y"),
    }


@transaction.atomic
def minutes_save(*, meeting: Meeting, actor, body: str, publish: bool = False) -> Meeting:
    """Save the minutes (Markdown, sanitized like posts; the case-code rules of posts apply). Unpublished: a
    draft only facilitators see. `publish`: posted to the forum as the first post of a thread of kind
    "meeting" (the forum's people are told). Once published, a save edits that post, keeping the old text in
    its history (PostRevision), as a post edit does."""
    _require(user=actor, forum=meeting.forum, perm=MODERATE)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("forum__area", "minutes_post")
        .get(pk=meeting.pk)
    )
    _recordable(meeting)
    label = _("The minutes")
    body = _text(body, field="body", label=label, min_len=BODY_MIN, max_len=BODY_MAX)
    clean_free_text(user=actor, text=body, field="body")
    post = meeting.minutes_post
    if post is not None:
        if body != post.body:
            PostRevision.objects.create(post=post, body=post.body, editor=actor)
            html, _mentioned = _render(body, forum=post.thread.forum)
            post.body, post.body_html, post.edited_at = body, html, timezone.now()
            post.save(update_fields=["body", "body_html", "edited_at"])
            audit_log(actor=actor, action="meeting.minutes_edit", target=meeting)
        meeting.minutes_draft = ""
    elif publish:
        thread = _thread_write(
            forum=meeting.forum,
            author=actor,
            title=_minutes_title(meeting)[:160],
            body=body,
            kind=ThreadKind.MEETING,
            case_code="",
            client_token="",
        )
        meeting.minutes_post = Post.objects.get(thread=thread, number=1)
        meeting.minutes_published_at = timezone.now()
        meeting.minutes_draft = ""
        audit_log(actor=actor, action="meeting.minutes_publish", target=meeting)
        _notify(
            recipients=area_people(meeting.forum.area),
            kind="meeting.minutes",
            params={"title": meeting.title, "forum": str(meeting.forum.name)},
            url=reverse("forums:thread", args=[thread.pk]),
            actor=actor,
        )
    else:
        meeting.minutes_draft = body
    meeting.version += 1
    meeting.save(
        update_fields=["minutes_draft", "minutes_post", "minutes_published_at", "version", "updated_at"]
    )
    data_changed()
    _mark_held(meeting)
    return meeting


# --- decisions and action items --------------------------------------------------------------------------


@transaction.atomic
def decision_add(*, meeting: Meeting, actor, text: str) -> Decision:
    """Record a decision of the meeting (2–2000 characters, the case-code rules apply). Marks it held."""
    _require(user=actor, forum=meeting.forum, perm=MODERATE)
    meeting = Meeting.objects.select_for_update().select_related("forum__area").get(pk=meeting.pk)
    _recordable(meeting)
    text = _text(text, field="text", label=_("The decision"), min_len=2, max_len=DECISION_MAX)
    clean_free_text(user=actor, text=text, field="text")
    last = Decision.objects.filter(meeting=meeting).order_by("-position").values_list("position", flat=True)
    decision = Decision.objects.create(
        meeting=meeting, position=(last.first() or 0) + 1, text=text, created_by=actor
    )
    _mark_held(meeting)
    _bump(meeting)
    audit_log(actor=actor, action="meeting.decision", target=meeting)
    return decision


def _clean_due(value, *, field: str = "due_on") -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _invalid(field, _("Give the due date as a date, e.g. 2026-12-31.")) from None
    if isinstance(value, dt.datetime):
        value = local_date(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, dt.date):
        raise _invalid(field, _("Give the due date as a date, e.g. 2026-12-31."))
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise _invalid(field, _("The year must be between 1900 and 2100."))
    return value


def item_owner_people(item: ActionItem) -> list:
    """Who is told about an action item: its named owners and the liaisons of its agency."""
    people = list(item.owners.filter(is_active=True))
    if item.agency_id:
        seen = {p.pk for p in people}
        people += [u for u in item.agency.group.user_set.filter(is_active=True) if u.pk not in seen]
    return people


def _event(item, *, action, from_status="", by=None, note="") -> None:
    ActionItemEvent.objects.create(
        item=item, action=action, from_status=from_status, to_status=item.status, by=by, note=note
    )


def _item_params(item: ActionItem, forum: Forum | None = None) -> dict:
    return {"item": item.title, "forum": str((forum or item.forum).name), "due": due_text(item.due_on)}


@transaction.atomic
def action_item_add(
    *, decision: Decision, actor, title: str, owner_ids=(), agency_id=None, due_on
) -> ActionItem:
    """Add an action item to a decision: what (3–300 characters, the case-code rules apply), who (people who
    can read the forum, and/or an active agency whose jurisdiction covers the forum's area; at least one), and
    the due date (a WITA day, not before the meeting's day). The owners are notified."""
    meeting = decision.meeting
    _require(user=actor, forum=meeting.forum, perm=MODERATE)
    _recordable(meeting)
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    try:
        clean["title"] = clean_free_text(
            user=actor,
            text=_text(
                title, field="title", label=_("What is to be done"), min_len=3, max_len=ACTION_TITLE_MAX
            ),
            field="title",
        )
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        clean["due_on"] = _clean_due(due_on)
        if clean["due_on"] < local_date(meeting.starts_at):
            raise _invalid("due_on", _("The due date cannot be before the meeting."))
    except InvalidInput as exc:
        errors.update(exc.errors)
    ids = {int(i) for i in owner_ids or () if str(i).isdigit()}
    owners = _forum_readers(meeting.forum, ids) if ids else []
    if len(owners) != len(ids):
        errors["owners"] = [_("Choose people of this forum.")]
    agency = None
    if agency_id not in (None, ""):
        from portal.agencies.selectors import agencies_list

        agency = (
            agencies_list(area=meeting.forum.area).filter(pk=agency_id).first()
            if str(agency_id).isdigit()
            else None
        )
        if agency is None:
            errors["agency"] = [_("Choose an agency that serves this area.")]
    if not errors and not owners and agency is None:
        errors["owners"] = [_("Say who does it: one or more people, or an agency.")]
    _raise_all(errors)
    item = ActionItem(
        decision=decision,
        meeting=meeting,
        forum=meeting.forum,
        title=clean["title"],
        agency=agency,
        due_on=clean["due_on"],
        created_by=actor,
    )
    item.full_clean(exclude=["decision", "meeting", "forum", "created_by", "agency"])
    item.save()
    item.owners.set(owners)
    _event(item, action="create", by=actor)
    _bump(meeting)
    audit_log(actor=actor, action="meeting.action_item_add", target=item)
    _notify(
        recipients=item_owner_people(item),
        kind="meeting.action_assigned",
        params=_item_params(item),
        url=action_item_url(item),
        actor=actor,
    )
    return item


def _perms_cached(user, forum) -> frozenset:
    """forum_perms, remembered on the person for the request (a page lists items of several forums)."""
    cache = user.__dict__.setdefault("_meeting_forum_perms", {})
    if forum.pk not in cache:
        cache[forum.pk] = forum_perms(user=user, forum=forum)
    return cache[forum.pk]


def _group_ids(user) -> set[int]:
    if "_meeting_group_ids" not in user.__dict__:
        user.__dict__["_meeting_group_ids"] = set(user.groups.values_list("pk", flat=True))
    return user.__dict__["_meeting_group_ids"]


def action_item_actors(*, user, item: ActionItem) -> set[str]:
    """The roles of transitions.py this person holds on this item: OWNER (named, or a liaison of its agency),
    FACILITATOR (moderates its forum), NEXT_TIER (moderates the forum it was raised to). At most three queries
    for a whole page of items (the person's forum grants and groups are remembered for the request)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(T.ACTORS)
    actors = set()
    owner_ids = getattr(item, "_owner_ids", None)
    if owner_ids is None:
        owner_ids = {u.pk for u in item.owners.all()}
    if user.pk in owner_ids or (item.agency_id and item.agency.group_id in _group_ids(user)):
        actors.add(T.OWNER)
    if MODERATE in _perms_cached(user, item.forum):
        actors.add(T.FACILITATOR)
    if item.raised_to_id and MODERATE in _perms_cached(user, item.raised_to):
        actors.add(T.NEXT_TIER)
    return actors


def action_item_transition(*, item_id: int, actor, action: str, note: str = "") -> ActionItem:
    """Take `action` (transitions.py: done, drop, take_over) on an action item the person can see.
    NotFound when they cannot see it; InvalidInput for an unknown action or a missing note; Conflict when the
    item's state does not allow it (or it was not raised, for take_over); Forbidden when the person may not
    take it. take_over returns the new item of the higher forum (linked both ways)."""
    from .selectors import action_item_get

    item = action_item_get(user=actor, pk=item_id)
    if action not in T.TRANSITIONS:
        msg = _("Choose one of: %(actions)s.") % {"actions": ", ".join(T.ACTIONS)}
        raise _invalid("action", msg)
    note = (note or "").strip()
    if len(note) > ACTION_NOTE_MAX:
        raise _invalid("note", _("A note has at most %(n)s characters.") % {"n": ACTION_NOTE_MAX})
    with transaction.atomic():
        locked = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("forum__area__parent", "raised_to__area", "agency", "meeting")
            .get(pk=item.pk)
        )
        t = T.TRANSITIONS[action]
        if t.requires_raised and locked.raised_to_id is None:
            raise Conflict(_("Only an overdue action item raised to the next tier can be taken over."))
        # As for referrals: who may act is checked first (403), then whether the state allows it (409).
        if not set(t.actors) & action_item_actors(user=actor, item=locked):
            if action == "take_over":
                raise Forbidden(_("Only the facilitators of the forum it was raised to can take it over."))
            if action == "drop":
                raise Forbidden(_("Only the forum's facilitators can drop an action item."))
            raise Forbidden(_("Only its owners and the forum's facilitators can mark it done."))
        if T.transition_for(status=locked.status, action=action) is None:
            raise Conflict(
                _("This action item is %(status)s: it cannot be changed that way.")
                % {"status": locked.get_status_display().lower()}
            )
        if t.note_required and not note:
            raise _invalid("note", _("%(label)s: write a short note.") % {"label": t.note_label})
        if note:
            clean_free_text(user=actor, text=note, field="note")
        source = locked.status
        locked.status = t.target
        setattr(locked, t.stamp, timezone.now())
        if t.note_field:
            setattr(locked, t.note_field, note)
        locked.closed_by = actor
        locked.save()
        _event(locked, action=action, from_status=source, by=actor, note=note)
        audit_log(actor=actor, action=f"meeting.action_item_{action}", target=locked)
        _bump(locked.meeting)
        result = locked
        if action == "take_over":
            result = _take_over(item=locked, actor=actor, note=note)
        recipients = [
            *item_owner_people(locked),
            *[u for u in User.objects.filter(pk=locked.created_by_id, is_active=True)],
        ]
        params = {"actor": actor.shown_name, **_item_params(locked)}
        if action == "take_over":
            params["forum"] = str(locked.raised_to.name)
        _notify(
            recipients=recipients, kind=t.notify_kind, params=params, url=action_item_url(result), actor=actor
        )
    return result


def _take_over(*, item: ActionItem, actor, note: str) -> ActionItem:
    """The next tier's own action item, following up the one it took over (owned by the facilitator who took it
    over, with the same agency), due TAKE_OVER_DAYS from today."""
    new = ActionItem.objects.create(
        decision=item.decision,
        meeting=item.meeting,
        forum=item.raised_to,
        title=item.title,
        agency=item.agency,
        due_on=_local_today() + dt.timedelta(days=TAKE_OVER_DAYS),
        created_by=actor,
        taken_over_from=item,
    )
    new.owners.set([actor])
    _event(new, action="create", by=actor, note=note)
    return new


# --- reminders and the overdue raise ---------------------------------------------------------------------


def action_items_sweep(*, as_of: dt.date | None = None) -> dict:
    """Remind the owners of open action items due within REMIND_DAYS_BEFORE days (once each), and raise every
    open action item whose due date is before `as_of` (a WITA day, default today) to the forum of the next
    tier, once each: its facilitators and the item's owners are notified, it shows in that forum's "needs
    attention" list and can be taken over there. Idempotent (rows locked one by one; a parallel sweep skips
    what is raised meanwhile). Items of a province forum have no tier above and are not raised.
    Returns {"reminded": int, "raised": int}. Run by `manage.py sweep_action_items` (and tasks.py)."""
    today = as_of or _local_today()
    done = {"reminded": 0, "raised": 0}
    remind_ids = list(
        ActionItem.objects.filter(
            status=ActionStatus.OPEN,
            reminded_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        ).values_list("pk", flat=True)
    )
    for pk in remind_ids:
        with transaction.atomic():
            item = (
                ActionItem.objects.select_for_update(of=("self",))
                .select_related("forum__area", "agency")
                .filter(pk=pk, status=ActionStatus.OPEN, reminded_at__isnull=True)
                .first()
            )
            if item is None:
                continue
            item.reminded_at = timezone.now()
            item.save(update_fields=["reminded_at", "updated_at"])
            _notify(
                recipients=item_owner_people(item),
                kind="meeting.action_reminder",
                params=_item_params(item),
                url=action_item_url(item),
            )
            done["reminded"] += 1
    raise_ids = list(
        ActionItem.objects.filter(status=ActionStatus.OPEN, overdue_raised_at__isnull=True, due_on__lt=today)
        .exclude(forum__area__level=Level.PROVINCE)
        .values_list("pk", flat=True)
    )
    for pk in raise_ids:
        with transaction.atomic():
            item = (
                ActionItem.objects.select_for_update(of=("self",))
                .select_related("forum__area__parent", "agency")
                .filter(pk=pk, status=ActionStatus.OPEN, overdue_raised_at__isnull=True, due_on__lt=today)
                .first()
            )
            if item is None or item.forum.area.parent is None:  # acted on, or raised by a parallel sweep
                continue
            target = forum_ensure(area=item.forum.area.parent)
            item.overdue_raised_at, item.raised_to = timezone.now(), target
            item.save(update_fields=["overdue_raised_at", "raised_to", "updated_at"])
            _event(item, action="overdue", from_status=item.status, note=str(target.area.code))
            audit_log(
                actor=None,
                action="meeting.action_item_overdue",
                target=item,
                surface="command",
                detail={"raised_to": target.area.code, "as_of": today.isoformat()},
            )
            _notify(
                recipients=[*next_tier_facilitators(item.forum), *item_owner_people(item)],
                kind="meeting.action_overdue",
                params=_item_params(item),
                url=action_item_url(item),
            )
            data_changed()
            done["raised"] += 1
    return done


# --- proposals to the village plan (usulan RKPDes) -------------------------------------------------------


def proposal_village(forum: Forum):
    """The desa whose plan a forum proposes to: its own area (desa) or its parent (dusun); None otherwise."""
    area = forum.area
    if area.level == Level.VILLAGE:
        return area
    if area.level == Level.HAMLET:
        return area.parent
    return None


def proposal_submit(
    *,
    forum: Forum,
    actor,
    title: str,
    description: str,
    estimated_cost_idr,
    service_slugs=(),
    plan_year: int | None = None,
    decision: Decision | None = None,
) -> Proposal:
    """A dusun or desa forum proposes an activity to the village deliberation for the village plan (RKPDes) of
    `plan_year` (default: next year): title, description, estimated cost in integer rupiah (0 to Rp 100
    miliar), the needs/services it addresses (service slugs). Conflict for a forum above the desa. The desa
    forum's facilitators are notified."""
    _require(user=actor, forum=forum, perm=MODERATE)
    village = proposal_village(forum)
    if village is None:
        raise Conflict(_("Only a dusun or desa forum proposes to the village plan."))
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for field, func in (
        (
            "title",
            lambda: clean_free_text(
                user=actor,
                text=_text(title, field="title", label=_("The title"), min_len=5, max_len=PROPOSAL_TITLE_MAX),
                field="title",
            ),
        ),
        (
            "description",
            lambda: clean_free_text(
                user=actor,
                text=_text(
                    description,
                    field="description",
                    label=_("The description"),
                    min_len=10,
                    max_len=PROPOSAL_DESCRIPTION_MAX,
                ),
                field="description",
            ),
        ),
    ):
        try:
            clean[field] = func()
        except InvalidInput as exc:
            errors.update(exc.errors)
    try:
        cost = int(str(estimated_cost_idr).replace(".", "").replace(",", "").strip())
        if not 0 <= cost <= COST_MAX_IDR:
            raise ValueError
    except (TypeError, ValueError):
        errors["estimated_cost_idr"] = [_("Give the estimated cost in whole rupiah, e.g. 7500000.")]
        cost = 0
    year = plan_year or _local_today().year + 1
    try:
        year = int(year)
        if not 2000 <= year <= YEAR_MAX:
            raise ValueError
    except (TypeError, ValueError):
        errors["plan_year"] = [_("Give the plan year, e.g. %(year)s.") % {"year": _local_today().year + 1}]
    from portal.agencies.models import Service

    slugs = {s for s in service_slugs or () if s}
    services = list(Service.objects.filter(slug__in=slugs))
    if len(services) != len(slugs):
        errors["services"] = [_("Choose needs and services from the list.")]
    _raise_all(errors)
    with transaction.atomic():
        proposal = Proposal(
            forum=forum,
            village=village,
            decision=decision,
            title=clean["title"],
            description=clean["description"],
            estimated_cost_idr=cost,
            plan_year=year,
            submitted_by=actor,
        )
        proposal.full_clean(exclude=["forum", "village", "decision", "submitted_by"])
        proposal.save()
        proposal.services.set(services)
        audit_log(actor=actor, action="meeting.proposal_submit", target=proposal)
        data_changed()
        desa_forum = forum_ensure(area=village)
        _notify(
            recipients=[
                *User.objects.filter(
                    memberships__area=village, memberships__role=Role.FACILITATOR, is_active=True
                ).distinct()
            ],
            kind="meeting.proposal_submitted",
            params={"title": proposal.title, "forum": str(forum.name), "year": str(year)},
            url=reverse("forums:proposals", args=[desa_forum.area.code]),
            actor=actor,
        )
    return proposal


def proposal_decide(*, proposal_id: int, actor, action: str, reason: str = "") -> Proposal:
    """The village deliberation's answer (transitions.PROPOSAL_TRANSITIONS): accept into the plan, or not accept
    with a reason. Only the facilitators of the desa forum (or those above it). NotFound when the person cannot
    see the proposal; Conflict once decided; InvalidInput for a missing reason. The forum that proposed is told."""
    from .selectors import proposal_get

    proposal = proposal_get(user=actor, pk=proposal_id)
    t = T.PROPOSAL_TRANSITIONS.get(action)
    if t is None:
        raise _invalid("action", _("Choose accept or not_accept."))
    desa_forum = forum_ensure(area=proposal.village)
    if MODERATE not in forum_perms(user=actor, forum=desa_forum):
        raise Forbidden(_("Only the facilitators of the village forum decide on proposals."))
    reason = (reason or "").strip()
    if t.reason_required and len(reason) < 3:
        raise _invalid("reason", _("Say why it is not accepted."))
    if len(reason) > ACTION_NOTE_MAX:
        raise _invalid("reason", _("A note has at most %(n)s characters.") % {"n": ACTION_NOTE_MAX})
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update(of=("self",)).select_related("forum__area").get(pk=proposal.pk)
        )
        if locked.status not in t.sources:
            raise Conflict(_("This proposal was already decided."))
        locked.status, locked.reason = t.target, reason
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_log(actor=actor, action=f"meeting.proposal_{action}", target=locked)
        data_changed()
        kind = (
            "meeting.proposal_accepted"
            if t.target == ProposalStatus.ACCEPTED
            else "meeting.proposal_not_accepted"
        )
        _notify(
            recipients=[
                *User.objects.filter(pk=locked.submitted_by_id, is_active=True),
                *area_people(locked.forum.area),
            ],
            kind=kind,
            params={"title": locked.title, "year": str(locked.plan_year)},
            url=reverse("forums:proposals", args=[locked.forum.area.code]),
            actor=actor,
        )
    return locked


# --- the calendar feed -----------------------------------------------------------------------------------


def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The person's secret calendar feed (made on first use)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))
    except IntegrityError:
        return CalendarFeed.objects.get(user=user)


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once (a shared or leaked link is cut off)."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "created_at"])
    audit_log(actor=user, action="meeting.calendar_reset", target=feed)
    return feed
