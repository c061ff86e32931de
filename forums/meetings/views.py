"""Meeting pages (under /forums/): a forum's meetings, scheduling, the meeting page where a facilitator records
attendance, minutes and decisions from a phone, action items with their buttons (from transitions.py), proposals,
and the calendar files. Each view parses input, calls one service or selector and renders; InvalidInput and
Conflict become messages on the form, which keeps what was typed."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.agencies.selectors import agencies_list, services_list
from portal.core.errors import Conflict, Forbidden, InvalidInput
from portal.core.workdays import WITA, local_date

from .. import selectors as forum_selectors
from ..permissions import MODERATE, forum_perms
from ..views import _form_error
from . import calendar, selectors, services
from . import transitions as T
from .forms import (
    ActionItemForm,
    AttendanceForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    ProposalDecisionForm,
    ProposalForm,
    TransitionForm,
)
from .models import ActionStatus, Decision, MeetingStatus


def _require_moderator(user, forum):
    if MODERATE not in forum_perms(user=user, forum=forum):
        raise Forbidden(_("Only the forum's facilitators and those who oversee it can do this."))


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
def forum_meetings(request, code):
    forum = forum_selectors.forum_get(user=request.user, code=code)
    return render(
        request,
        "forums/meetings/forum_meetings.html",
        {
            "forum": forum,
            "meetings": selectors.forum_meetings(forum=forum),
            "open_items": selectors.forum_open_action_items(forum=forum, limit=50),
            "can_moderate": MODERATE in forum_perms(user=request.user, forum=forum),
            "can_propose": services.proposal_village(forum) is not None,
        },
    )


@login_required
def meeting_new(request, code):
    forum = forum_selectors.forum_get(user=request.user, code=code)
    _require_moderator(request.user, forum)
    threads = selectors.forum_agenda_threads(forum=forum)
    initial = {"date": local_date(dt.datetime.now(WITA)), "threads": request.GET.getlist("thread")}
    form = MeetingForm(request.POST or None, threads=threads, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = ends_at = None
        if data["date"] and data["time"]:
            starts_at = dt.datetime.combine(data["date"], data["time"], tzinfo=WITA)
            if data["end_time"]:
                ends_at = dt.datetime.combine(data["date"], data["end_time"], tzinfo=WITA)
        try:
            if starts_at is None:
                msg = _("Give the date and the time the meeting starts.")
                raise InvalidInput(msg, errors={"time" if data["date"] else "date": [msg]})
            meeting = services.meeting_schedule(
                forum=forum,
                actor=request.user,
                title=data["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=data["place"],
                agenda=form.agenda_lines(),
                thread_ids=data.get("threads") or [],
                client_token=data["once_token"],
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc, aliases={"starts_at": "time", "ends_at": "end_time"})
        else:
            messages.success(request, _("The meeting is scheduled and the forum's members were told."))
            return redirect("forums:meeting", pk=meeting.pk)
    return render(request, "forums/meetings/meeting_form.html", {"forum": forum, "form": form})


def _meeting_context(request, meeting):
    meeting = selectors.meeting_detail(meeting=meeting)
    perms = forum_perms(user=request.user, forum=meeting.forum)
    can_moderate = MODERATE in perms
    today = selectors.today()
    recordable = meeting.status != MeetingStatus.CANCELLED and local_date(meeting.starts_at) <= today
    for item in meeting.item_list:
        item._owner_ids = {u.pk for u in item.owners.all()}
        item.buttons = T.actions_for(
            status=item.status,
            actors=services.action_item_actors(user=request.user, item=item),
            raised=item.raised_to_id is not None,
        )
    return {
        "meeting": meeting,
        "forum": meeting.forum,
        "attendance": selectors.meeting_attendance(meeting),
        "can_moderate": can_moderate,
        "recordable": recordable,
        "today": today,
        "show_draft": can_moderate and bool(meeting.minutes_draft),
    }


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "forums/meetings/meeting.html", _meeting_context(request, meeting))


@login_required
def meeting_ics(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    response = HttpResponse(
        calendar.meeting_ics(meeting, base_url=_base_url(request)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        services.meeting_cancel(meeting=meeting, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The meeting is cancelled and the forum's members were told."))
    return redirect("forums:meeting", pk=meeting.pk)


@login_required
def meeting_attendance(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require_moderator(request.user, meeting.forum)
    attendance = selectors.meeting_attendance(meeting)
    initial = {}
    if attendance is not None:
        initial = {k: getattr(attendance, k) for k in services.ATTENDANCE_FIELDS}
        initial["attendees"] = [str(pk) for pk in meeting.attendees.values_list("pk", flat=True)]
    people = list(selectors.forum_people(forum=meeting.forum))
    form = AttendanceForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                meeting=meeting,
                actor=request.user,
                counts=form.counts(),
                attendee_ids=form.cleaned_data["attendees"],
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect("forums:meeting", pk=meeting.pk)
    return render(
        request,
        "forums/meetings/attendance_form.html",
        {"meeting": meeting, "forum": meeting.forum, "form": form},
    )


@login_required
def meeting_minutes(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require_moderator(request.user, meeting.forum)
    current = meeting.minutes_post.body if meeting.minutes_post_id else meeting.minutes_draft
    form = MinutesForm(request.POST or None, initial={"body": current})
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST
        try:
            meeting = services.minutes_save(
                meeting=meeting, actor=request.user, body=form.cleaned_data["body"], publish=publish
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            if meeting.minutes_post_id and publish:
                messages.success(request, _("The minutes are published in the forum."))
            elif meeting.minutes_post_id:
                messages.success(
                    request, _("The minutes are saved; the earlier text is kept in their history.")
                )
            else:
                messages.success(
                    request, _("The draft is saved. Only facilitators see it until it is published.")
                )
            return redirect("forums:meeting", pk=meeting.pk)
    return render(
        request,
        "forums/meetings/minutes_form.html",
        {
            "meeting": meeting,
            "forum": meeting.forum,
            "form": form,
            "published": bool(meeting.minutes_post_id),
        },
    )


def _people_and_agencies(forum):
    return list(selectors.forum_people(forum=forum)), list(agencies_list(area=forum.area))


@login_required
def decision_new(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    _require_moderator(request.user, meeting.forum)
    people, agencies = _people_and_agencies(meeting.forum)
    form = DecisionForm(request.POST or None, people=people, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wants_item = bool(
            (data["item_title"] or "").strip() or data["owners"] or data["agency"] or data["due_on"]
        )
        try:
            if wants_item and not data["due_on"]:
                msg = _("Give the action item's due date.")
                raise InvalidInput(msg, errors={"due_on": [msg]})
            # One decision and its first action item, or neither: the form is not half-saved.
            from django.db import transaction

            with transaction.atomic():
                decision = services.decision_add(meeting=meeting, actor=request.user, text=data["text"])
                if wants_item:
                    services.action_item_add(
                        decision=decision,
                        actor=request.user,
                        title=data["item_title"],
                        owner_ids=data["owners"],
                        agency_id=data["agency"] or None,
                        due_on=data["due_on"],
                    )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc, aliases={"title": "item_title"})
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(f"{meeting_url(meeting)}#decision-{decision.pk}")
    return render(
        request,
        "forums/meetings/decision_form.html",
        {"meeting": meeting, "forum": meeting.forum, "form": form},
    )


def meeting_url(meeting):
    return services.meeting_url(meeting)


@login_required
def action_item_new(request, pk):
    decision = (
        Decision.objects.select_related("meeting").filter(pk=pk).first() if selectors.valid_pk(pk) else None
    )
    if decision is None:
        from django.http import Http404

        raise Http404
    meeting = selectors.meeting_get(user=request.user, pk=decision.meeting_id)
    decision.meeting = meeting
    _require_moderator(request.user, meeting.forum)
    people, agencies = _people_and_agencies(meeting.forum)
    form = ActionItemForm(request.POST or None, people=people, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_item_add(
                decision=decision,
                actor=request.user,
                title=data["item_title"],
                owner_ids=data["owners"],
                agency_id=data["agency"] or None,
                due_on=data["due_on"] or "",
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc, aliases={"title": "item_title"})
        else:
            messages.success(request, _("The action item is added and its owners were told."))
            return redirect(f"{meeting_url(meeting)}#decision-{decision.pk}")
    return render(
        request,
        "forums/meetings/action_item_form.html",
        {"meeting": meeting, "forum": meeting.forum, "decision": decision, "form": form},
    )


@login_required
def action_items(request):
    mine = request.GET.get("mine", "1" if not request.GET else "") in ("1", "true", "on")
    status = request.GET.get("status", ActionStatus.OPEN if not request.GET else "")
    overdue = {"1": True, "true": True, "0": False, "false": False}.get(request.GET.get("overdue", ""))
    area = request.GET.get("area", "").strip()
    error = ""
    try:
        qs = selectors.action_items_list(
            user=request.user, area=area, status=status, mine=mine, overdue=overdue
        )
    except InvalidInput as exc:
        error, qs = exc.message, selectors.action_items_list(user=request.user, mine=mine)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forums/meetings/action_items.html",
        {
            "page": page,
            "mine": mine,
            "status": status,
            "overdue": request.GET.get("overdue", ""),
            "area": area,
            "statuses": ActionStatus.choices,
            "today": selectors.today(),
            "error": error,
            "query": query.urlencode(),
        },
    )


@login_required
def action_item_detail(request, pk):
    item = selectors.action_item_get(user=request.user, pk=pk)
    actors = services.action_item_actors(user=request.user, item=item)
    buttons = T.actions_for(status=item.status, actors=actors, raised=item.raised_to_id is not None)
    return render(
        request,
        "forums/meetings/action_item.html",
        {
            "item": item,
            "history": selectors.action_item_history(item=item),
            "buttons": buttons,
            "successor": item.successor,
            "today": selectors.today(),
            "meeting_visible": _meeting_visible(request.user, item),
        },
    )


def _meeting_visible(user, item) -> bool:
    from ..permissions import VIEW

    return VIEW in forum_perms(user=user, forum=item.meeting.forum)


@login_required
def action_item_transition(request, pk):
    item = selectors.action_item_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST or None, initial={"action": request.GET.get("action", "")})
    action = request.POST.get("action") or request.GET.get("action", "")
    transition = T.TRANSITIONS.get(action)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.action_item_transition(
                item_id=item.pk, actor=request.user, action=action, note=form.cleaned_data["note"]
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            done = {
                "done": _("The action item is done."),
                "drop": _("The action item is dropped."),
                "take_over": _("Your forum took the action item over: it is now yours to follow up."),
            }
            messages.success(request, done.get(action, _("Saved.")))
            return redirect("forums:action_item", pk=result.pk)
    return render(
        request,
        "forums/meetings/transition_form.html",
        {"item": item, "form": form, "transition": transition},
    )


@login_required
@require_POST
def thread_agenda(request, pk):
    thread = forum_selectors.thread_get(user=request.user, pk=pk)
    try:
        item = services.thread_put_on_agenda(thread=thread, actor=request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("forums:thread", pk=thread.pk)
    messages.success(
        request,
        _("The thread is on the agenda of “%(meeting)s”.") % {"meeting": item.meeting.title},
    )
    return redirect("forums:meeting", pk=item.meeting_id)


@login_required
def proposals(request, code):
    forum = forum_selectors.forum_get(user=request.user, code=code)
    return render(
        request,
        "forums/meetings/proposals.html",
        {
            "forum": forum,
            "proposals": selectors.forum_proposals(forum=forum),
            "can_propose": MODERATE in forum_perms(user=request.user, forum=forum)
            and services.proposal_village(forum) is not None,
            "can_decide": selectors.can_decide_proposals(user=request.user, forum=forum),
            "decide_form": ProposalDecisionForm(),
            "transitions": T.PROPOSAL_TRANSITIONS,
        },
    )


@login_required
def proposal_new(request, code):
    forum = forum_selectors.forum_get(user=request.user, code=code)
    _require_moderator(request.user, forum)
    decisions = list(
        Decision.objects.filter(meeting__forum=forum)
        .select_related("meeting")
        .order_by("-meeting__starts_at")[:30]
    )
    initial = {"plan_year": selectors.today().year + 1, "decision": request.GET.get("decision", "")}
    form = ProposalForm(
        request.POST or None, services=list(services_list()), decisions=decisions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = next((d for d in decisions if str(d.pk) == data["decision"]), None)
        try:
            services.proposal_submit(
                forum=forum,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                estimated_cost_idr=data["estimated_cost_idr"],
                service_slugs=data["services"],
                plan_year=data["plan_year"],
                decision=decision,
            )
        except (InvalidInput, Conflict) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The proposal is sent to the village deliberation."))
            return redirect("forums:proposals", code=forum.area.code)
    return render(request, "forums/meetings/proposal_form.html", {"forum": forum, "form": form})


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    form = ProposalDecisionForm(request.POST)
    form.is_valid()
    try:
        services.proposal_decide(
            proposal_id=proposal.pk,
            actor=request.user,
            action=form.cleaned_data.get("action", ""),
            reason=form.cleaned_data.get("reason", ""),
        )
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision on the proposal is recorded."))
    from portal.areas.models import Level

    village_code = proposal.village.code
    back = village_code if proposal.forum.area.level == Level.HAMLET else proposal.forum.area.code
    return redirect("forums:proposals", code=back)


@login_required
def calendar_page(request):
    if request.method == "POST":
        feed = services.calendar_feed_reset(user=request.user)
        messages.success(request, _("Your calendar has a new address: the old one no longer works."))
        return redirect("forums:calendar")
    feed = services.calendar_feed_get_or_create(user=request.user)
    from django.urls import reverse

    url = request.build_absolute_uri(reverse("forums:calendar_feed", args=[feed.token]))
    response = render(request, "forums/meetings/calendar.html", {"feed_url": url})
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
def calendar_feed(request, token):
    """The secret feed: no login (calendar apps cannot), the token is the key; NotFound when it is wrong."""
    user = selectors.calendar_feed_user(token=token)
    meetings = selectors.upcoming_meetings_for(user=user)
    body = calendar.feed_ics(meetings, name=_("Pelita meetings"), base_url=_base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response
