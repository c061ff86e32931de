"""Pages for triage and for closing the loops (issue 20): the agency inbox with filters, claims, one-step accept
and bulk accept; declining with a reason category and withdrawing with a confirmation; the private thread's
new messages as JSON; the kecamatan facilitator's page for an overdue referral; undoing a met need.

Views parse the form, call one write of triage.py / services.py and redirect (POST-redirect-GET, so the one-time
token of OnceForm makes a double submit harmless); a refusal is a message in the person's language."""

import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core import pagecache
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.core.panels import panels_for

from . import pagecache as deps
from . import selectors, services, triage
from .forms import (
    AttentionHandledForm,
    BulkAcceptForm,
    ClaimForm,
    DeclineForm,
    InboxTriageForm,
    OneActionForm,
    WithdrawForm,
)
from .inbox_rows import inbox_rows_html
from .models import Status

TABS = (
    ("new", "New"),
    ("accepted", "Accepted"),
    ("in_progress", "In progress"),
    ("overdue", "Overdue"),
    ("all", "All"),
)


def _inbox_deps(request, agencies) -> list[str]:
    return [
        *(deps.agency_key(g.agency.pk) for g in agencies),
        deps.viewer_key(request.user.pk),
        deps.GLOBAL,
    ]


@login_required
def inbox(request):
    """The agency inbox, cached per viewer (issue 17: portal/core/pagecache.py; what it depends on:
    referrals/pagecache.py). Its rows show a case's code, village, service, dates and staff names, never the
    child's identity (tests/referrals/test_inbox_pagecache.py asserts it)."""
    agencies = list(request.user.groups.filter(agency__isnull=False).select_related("agency"))
    if not agencies:
        raise NotFound()
    cached = pagecache.enabled() and not pagecache.has_messages(request)
    if not cached:
        return render(request, "referrals/inbox.html", _inbox_context(request, agencies, {})[0])
    # The tokens are read before the data, so a page is never stored under tokens newer than what it shows.
    key = pagecache.page_key("inbox", request.user.pk, get_language(), request.get_full_path())
    entry, versions = pagecache.fetch(key, _inbox_deps(request, agencies))
    if entry is not None and (entry["meta"]["until"] is None or timezone.now() < entry["meta"]["until"]):
        return pagecache.finish(request, entry["html"], state="hit")
    context, until = _inbox_context(request, agencies, versions)
    context.update(
        {"csrf_token": pagecache.MARKS.CSRF, "messages": (), "page_cache_bell": pagecache.MARKS.BELL}
    )
    html = render_to_string("referrals/inbox.html", context, request=request)
    pagecache.store(key, versions, html, meta={"until": until})
    return pagecache.finish(request, html, state="miss")


def _inbox_context(request, agencies, versions) -> tuple[dict, object]:
    """The inbox's context, and until when it holds with no write (the next deadline to pass, or None)."""
    facts = {k: v for k, v in versions.items() if k != deps.viewer_key(request.user.pk)}
    counts, kecamatans, _hit = selectors.inbox_facts(
        user=request.user, agency_ids=[g.agency.pk for g in agencies], versions=facts
    )
    form = InboxTriageForm(request.GET or None, kecamatans=kecamatans)
    # The valid filters apply (Django keeps them in cleaned_data); a kecamatan none of the agency's children
    # live in shows an empty list, not every referral.
    form.is_valid()
    data = dict(getattr(form, "cleaned_data", {}))
    if "kecamatan" in form.errors:
        data["kecamatan"] = "-"
    tab = data.get("tab") or "new"
    qs = selectors.agency_inbox(
        user=request.user,
        tab=tab,
        service=data.get("service", ""),
        status=data.get("status", ""),
        kecamatan=data.get("kecamatan", ""),
        overdue=bool(data.get("overdue")),
        sort=data.get("sort") or "deadline",
    ).only(*selectors.INBOX_ROW_FIELDS)
    paginator = Paginator(qs, 25)
    if tab in counts and not any(data.get(k) for k in ("service", "status", "kecamatan", "overdue")):
        # An unfiltered tab holds what its count says: the paginator needs no COUNT(*) of its own (issue 17).
        paginator.count = counts[tab]
    page = paginator.get_page(request.GET.get("page"))
    # The page's 25 ids first, sorted on the referral table alone (no joins), then those rows with everything a
    # row shows: at national scale an agency has ~16,000 referrals, and sorting them all after eight joins cost
    # ~200 ms of the database (issue 17). Same rows, same order.
    ids = (
        list(qs.values_list("pk", flat=True)[page.start_index() - 1 : page.end_index()])
        if page.paginator.count
        else []
    )
    rows = {r.pk: r for r in qs.order_by().filter(pk__in=ids)} if ids else {}
    page.object_list = [rows[i] for i in ids if i in rows]
    filters = {
        k: data.get(k)
        for k in ("service", "status", "kecamatan", "sort")
        if data.get(k) not in ("", None, "-")
    }
    if data.get("overdue"):
        filters["overdue"] = "on"
    active = _active_filters(form, filters)
    labels = {
        "new": _("New"),
        "accepted": _("Accepted"),
        "in_progress": _("In progress"),
        "overdue": _("Overdue"),
        "all": _("All"),
    }
    one_step = any(g.agency.accept_starts_work for g in agencies)
    context = {
        "agencies": [g.agency.name for g in agencies],
        "form": form,
        "tab": tab,
        "page": page,
        "rows": inbox_rows_html(page.object_list),
        "counts": counts,
        "tabs": [(k, labels[k]) for k, _label in TABS],
        "filters": filters,
        # On a phone the filters fold into "Saring", open while one is on, its summary naming them.
        "active_filters": active,
        "bulk_form": BulkAcceptForm(initial={"once_token": pagecache.MARKS.ONCE})
        if versions
        else BulkAcceptForm(),
        "can_bulk": any(r.status == Status.SENT for r in page.object_list),
        "one_step": one_step,
        # The pages keep the tab and the filters.
        "page_query": urlencode({"tab": tab, **filters}),
    }
    return context, counts.get("next_due")


def _active_filters(form, filters) -> list[str]:
    """The filters in force, in words ("Akta kelahiran", "Kec. Praya", "Hanya yang terlambat"), for the summary
    of the folded filter form; the default sort (deadline) is no filter."""
    shown = []
    for name in ("service", "status", "kecamatan"):
        if name in filters:
            label = dict(form.fields[name].choices).get(filters[name])
            if label:
                shown.append(str(label))
    if filters.get("sort") == "newest":
        shown.append(str(dict(form.fields["sort"].choices)["newest"]))
    if filters.get("overdue"):
        shown.append(_("Overdue only"))
    return shown


def _back(request, pk):
    return redirect("referrals:referral_detail", pk=pk)


def _form_again(request, pk, action, form):
    """A decline or withdrawal that is not complete comes back as the referral page with the form open, its
    errors and what was typed (a redirect lost the note), for whoever may see the referral at all."""
    from .views import _render_referral

    access = selectors.referral_access(user=request.user, referral_id=pk)
    return _render_referral(request, access, status=422, forms_by_action={action: form})


@login_required
@require_POST
def inbox_bulk_accept(request):
    ids = request.POST.getlist("referrals")
    form = BulkAcceptForm(request.POST, ids=ids)
    if not form.is_valid() or not form.cleaned_data["referrals"]:
        messages.error(request, _("Choose the referrals to accept."))
        return redirect("referrals:inbox")
    result = triage.referrals_bulk_accept(
        actor=request.user, referral_ids=form.cleaned_data["referrals"], request=request
    )
    if result["done"]:
        messages.success(
            request,
            _("Accepted %(n)s referrals: %(codes)s.")
            % {"n": len(result["done"]), "codes": ", ".join(result["done"])},
        )
    for code, why in result["refused"]:
        messages.error(request, _("%(code)s was not accepted: %(why)s") % {"code": code, "why": why})
    return redirect("referrals:inbox")


@login_required
@require_POST
def referral_claim(request, pk):
    form = ClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do."))
        return _back(request, pk)
    what = form.cleaned_data["what"]
    try:
        if what == "claim":
            triage.referral_claim(actor=request.user, referral_id=pk, request=request)
            messages.success(request, _("You handle this referral now. Your colleagues see it."))
        elif what == "release":
            triage.referral_release(actor=request.user, referral_id=pk, request=request)
            messages.success(
                request, _("The referral is no longer claimed: every liaison hears of it again.")
            )
        else:
            r = triage.referral_pass_on(
                actor=request.user, referral_id=pk, username=form.cleaned_data["to"], request=request
            )
            messages.success(
                request, _("%(name)s handles this referral now.") % {"name": r.claimed_by.shown_name}
            )
    except (Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
    return _back(request, pk)


@login_required
@require_POST
def referral_accept_start(request, pk):
    OneActionForm(request.POST).is_valid()
    try:
        triage.referral_accept_and_start(actor=request.user, referral_id=pk, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The referral was accepted and work has started."))
    return _back(request, pk)


@login_required
@require_POST
def referral_decline(request, pk):
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _form_again(request, pk, "decline", form)
    try:
        services.referral_transition(
            actor=request.user,
            referral_id=pk,
            action="decline",
            note=form.cleaned_data["note"] or form.cleaned_data["decline_category"],
            decline_category=form.cleaned_data["decline_category"],
            request=request,
        )
    except (Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The referral was declined. The case team is told."))
    return _back(request, pk)


@login_required
@require_POST
def referral_withdraw(request, pk):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _form_again(request, pk, "withdraw", form)
    try:
        services.referral_transition(
            actor=request.user,
            referral_id=pk,
            action="withdraw",
            note=form.cleaned_data["note"],
            request=request,
        )
    except (Conflict, InvalidInput) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The referral was withdrawn. The agency is told."))
    return _back(request, pk)


@login_required
@require_GET
def referral_messages_json(request, pk):
    """The private thread's messages after `?after=<id>` (the page polls it lightly; JSON, no-store)."""
    access = selectors.referral_access(user=request.user, referral_id=pk)
    if not access.sees_thread:
        raise Forbidden(_("This referral has ended: its thread is closed to the agency."))
    after = request.GET.get("after", "0")
    after = int(after) if re.fullmatch(r"[0-9]{1,18}", after) else 0
    rows = selectors.referral_messages(referral=access.referral, access=access).filter(pk__gt=after)[:50]
    return JsonResponse(
        {
            "messages": [
                {
                    "id": m.pk,
                    "author": m.author.shown_name,
                    "at": m.created_at.isoformat(),
                    "body": m.body,
                }
                for m in rows
            ]
        }
    )


@login_required
@require_POST
def need_undo(request, pk):
    OneActionForm(request.POST).is_valid()
    referral = triage.need_met_undo(actor=request.user, referral_id=pk, request=request)
    messages.success(
        request, _("Undone: “%(need)s” is on the child's needs again.") % {"need": referral.service.need}
    )
    return redirect("referrals:case_detail", code=referral.case.code)


# --- the kecamatan facilitator ------------------------------------------------------------------------------


@login_required
def attention(request, pk):
    return _attention_page(request, pk)


def _attention_page(request, pk, *, handled_note: str = "", handled_error: str = "", status: int = 200):
    """The "needs attention" page; after a refused "mark handled", with what was typed and why (422)."""
    referral = triage.attention_referral(actor=request.user, referral_id=pk)
    kecamatan = referral.case.village.parent

    from portal.core.workdays import days_overdue

    deadline = selectors.referral_deadline(referral)
    context = {
        "referral": referral,
        "case": referral.case,
        "kecamatan": kecamatan,
        "days_waiting": max(0, (timezone.now() - referral.sent_at).days) if referral.sent_at else 0,
        "days_overdue": days_overdue(deadline, timezone.now()) if deadline else 0,
        "history": [
            e
            for e in selectors.referral_history(referral=referral, is_team=False)
            if e.action in (triage.REMIND, triage.HANDLED, "overdue")
        ],
        "handled_form": AttentionHandledForm(),
        "handled_note": handled_note,
        "handled_error": handled_error,
        "forum_url": reverse("forums:forum", kwargs={"code": kecamatan.code}) if kecamatan else "",
        "thread_url": (
            reverse("forums:thread_new", kwargs={"code": kecamatan.code}) + f"?case={referral.case.code}"
            if kecamatan
            else ""
        ),
        "is_open": referral.status in (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS),
        # What other products add (portal.core.panels, slot "attention"): the forums' "link a thread" form.
        "panels": panels_for(
            "attention", request=request, case_code=referral.case.code, area_code=kecamatan.code
        )
        if kecamatan
        else [],
    }
    return render(request, "referrals/attention.html", context, status=status)


@login_required
@require_POST
def attention_remind(request, pk):
    OneActionForm(request.POST).is_valid()
    # The button sends the "mark handled" form's fields: a note typed there comes back as typed (issue 20's rule,
    # "what they typed is never lost"); without one, back to the page (a reload does not remind again).
    typed = str(request.POST.get("note", ""))[:5000]
    try:
        r = triage.attention_remind(actor=request.user, referral_id=pk, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(agency)s was reminded.") % {"agency": r.agency.name})
    if typed.strip():
        return _attention_page(request, pk, handled_note=typed)
    return redirect("referrals:attention", pk=pk)


@login_required
@require_POST
def attention_handled(request, pk):
    form = AttentionHandledForm(request.POST)
    typed = str(request.POST.get("note", ""))[:5000]
    # A refusal (the form's input rules, or the service's) shows the page again, the note as typed and the reason
    # at the field: nothing typed is lost (issue 20). Only a valid form's text reaches the service.
    if not form.is_valid():
        errors = form.errors.get("note") or form.non_field_errors() or [_("Write what was done.")]
        return _attention_page(request, pk, handled_note=typed, handled_error=str(errors[0]), status=422)
    try:
        r = triage.attention_mark_handled(
            actor=request.user, referral_id=pk, note=form.cleaned_data["note"], request=request
        )
    except InvalidInput as exc:
        return _attention_page(request, pk, handled_note=typed, handled_error=str(exc.message), status=422)
    messages.success(
        request, _("Marked handled: %(code)s left the “needs attention” list.") % {"code": r.case.code}
    )
    kecamatan = r.case.village.parent
    return (
        redirect("forums:forum", code=kecamatan.code) if kecamatan else redirect("referrals:attention", pk=pk)
    )


def _bound(forms_by_action, action, form_class):
    form = (forms_by_action or {}).get(action)
    return form if isinstance(form, form_class) else form_class()


def triage_context(access, forms_by_action=None) -> dict:
    """What the referral page adds for issue 20: who handles it (and to whom a liaison may pass it), the
    decline and withdrawal forms, the one-step accept, the met need's undo, the thread's JSON address."""
    referral = access.referral
    is_open = referral.status in (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)
    context = {
        "claimed_by": referral.claimed_by if referral.claimed_by_id else None,
        "claim_form": ClaimForm(),
        "decline_form": _bound(forms_by_action, "decline", DeclineForm),
        "withdraw_form": _bound(forms_by_action, "withdraw", WithdrawForm),
        "one_step_form": OneActionForm(),
        "undo_form": OneActionForm(),
        "one_step": access.is_liaison
        and referral.agency.accept_starts_work
        and referral.status == Status.SENT,
        "can_claim": access.is_liaison and is_open,
        "messages_json": reverse("referrals:referral_messages_json", kwargs={"pk": referral.pk}),
    }
    if access.is_liaison and is_open:
        context["pass_to"] = list(
            triage.liaisons_to_pass_to(referral=referral, exclude_id=referral.claimed_by_id)
        )
    return context


# --- consent first (issue 20) -------------------------------------------------------------------------------

DRAFT_KEY = "pelita.referral_draft"
# The kept draft's note may name the child: it lives in the session store (a database row, its backups) only
# for the detour to the consent form, not for the session's weeks (break-it 20). Every page of the app drops
# an older one (http.py), and restoring refuses it.
DRAFT_MAX_AGE = 60 * getattr(settings, "PELITA_REFERRAL_DRAFT_MINUTES", 60)


def referral_draft_expire(request) -> None:
    """Forget a kept referral draft older than DRAFT_MAX_AGE (and the consent form's way back with it)."""
    session = getattr(request, "session", None)
    if session is None or DRAFT_KEY not in session:
        return
    kept = session.get(DRAFT_KEY) or {}
    if not isinstance(kept.get("at"), int) or time.time() - kept["at"] > DRAFT_MAX_AGE:
        session.pop(DRAFT_KEY, None)
        session.pop(DRAFT_KEY + ".next", None)


def referral_draft_save_and_go_to_consent(request, *, case, slug):
    """The referral form's "record consent first": what was typed (note, urgency, agency) is kept in the
    server-side session for this case and service, and the person goes to the consent form, which returns to
    the referral form."""
    request.session[DRAFT_KEY] = {
        "at": int(time.time()),
        "case": case.code,
        "service": slug[:60],
        "note": (request.POST.get("note") or "")[:4000],
        "urgency": (request.POST.get("urgency") or "")[:10],
        "agency": (request.POST.get("agency") or "")[:12],
    }
    back = reverse("referrals:referral_create", kwargs={"code": case.code}) + (
        f"?service={slug}" if slug else ""
    )
    request.session[DRAFT_KEY + ".next"] = {"case": case.code, "url": back}
    messages.info(request, _("What you typed is kept: record the consent, then you return to the referral."))
    return redirect(reverse("referrals:consent_create", kwargs={"code": case.code}))


def referral_draft_restore(request, *, case, slug) -> dict:
    """The kept referral draft of this case and service, once (then forgotten), as the form's initial."""
    referral_draft_expire(request)
    draft = request.session.get(DRAFT_KEY)
    if request.method != "GET" or not draft or draft.get("case") != case.code or draft.get("service") != slug:
        return {}
    del request.session[DRAFT_KEY]
    return {k: v for k, v in draft.items() if k in ("note", "urgency", "agency") and v}


def consent_next(request, *, case) -> str:
    """Where the consent form returns to: the referral form the person came from, if any (never a URL from
    the request: only the path kept in the session for this case)."""
    nxt = request.session.pop(DRAFT_KEY + ".next", None)
    return nxt["url"] if nxt and nxt.get("case") == case.code else ""
