"""Pages for the case team (case list, case, consent, referral) and for agency liaisons (inbox, referral).
Views parse the form, call one service or selector and render; a refused action keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.agencies.models import Agency, Service
from portal.agencies.selectors import agencies_list
from portal.areas.models import Area
from portal.audit.services import audit_log
from portal.core.errors import Conflict, Forbidden, InvalidInput
from portal.core.forms import error_summary
from portal.core.panels import panels_for

from . import registration, selectors, services
from .forms import (
    CaseForm,
    CaseSearchForm,
    ConsentForm,
    ConsentWithdrawForm,
    MessageForm,
    NeedsForm,
    ReferralForm,
    ResendForm,
    TeamAddForm,
    TransitionForm,
)
from .inbox_rows import timeline_html
from .models import IDENTITY_FIELDS, Status
from .transitions import TRANSITIONS, actions_for


def _form_errors(form, exc: InvalidInput) -> None:
    """Put a service's field errors on the form, so the person sees them next to what they typed."""
    if not exc.errors:
        form.add_error(None, str(exc.message))
    for name, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


def _audit_identity(request, *, case, fields, surface="page", target=None, action="case.view") -> None:
    audit_log(
        actor=request.user,
        action=action,
        target=target or case,
        case_code=case.code,
        fields=list(fields),
        request=request,
        surface=surface,
    )


# --- case team ---------------------------------------------------------------------------------------------


@login_required
def case_list(request):
    # A search for a child's name travels in the body of a POST, never in the URL (where access logs, proxies
    # and the browser's history keep it: issue 19.6); its result page is answered to the POST itself, and its
    # pages are asked for by POST too. A `?q=` in the URL is ignored.
    searching = request.method == "POST"
    form = CaseSearchForm(request.POST if searching else None)
    q = form.cleaned_data["q"] if searching and form.is_valid() else ""
    number = request.POST.get("page") if searching else request.GET.get("page")
    page = Paginator(selectors.cases_for_team(user=request.user, q=q), 25).get_page(number)
    if page.object_list:
        # The list shows the children's names: one audit entry per case seen.
        for case in page.object_list:
            _audit_identity(request, case=case, fields=["child_name", "area"], action="case.list_view")
    return render(
        request,
        "referrals/case_list.html",
        {
            "page": page,
            "search_form": form,
            "q": q,
            "can_register": selectors.is_case_worker_anywhere(user=request.user),
        },
    )


@login_required
def case_create(request):
    if not selectors.is_case_worker_anywhere(user=request.user):
        raise Forbidden(_("Only case workers register children."))
    areas = list(selectors.case_worker_areas(user=request.user).order_by("code"))
    service_list = list(Service.objects.all())
    post = request.POST if request.method == "POST" else None
    form = CaseForm(post, areas=areas, services=service_list)
    flow = registration.flow_for(post)
    duplicates = []
    nik_warning = nik_confirmed = ""
    if post is not None:
        flow = registration.apply_flow(form, flow)
    if flow.register and not form.errors:
        data = form.cleaned_data
        area = Area.objects.filter(code=data["area"]).first()
        # A NIK of another kecamatan: a warning the case worker confirms past (for this NIK: a changed NIK is
        # checked again), then the possible duplicates.
        nik_warning = services.nik_area_warning(nik=data["nik"], area=area)
        if nik_warning and data["nik"] in (post.get("confirm_nik"), post.get("nik_confirmed")):
            nik_confirmed = data["nik"]
        if nik_warning and not nik_confirmed:
            flow.show_all = True  # the NIK's field in view, to correct it
        elif "confirm_new" not in post:
            duplicates = registration.possible_duplicates(
                actor=request.user, area=area, child_name=data["child_name"], birth_date=data["birth_date"]
            )
        if nik_warning and not nik_confirmed:
            pass
        elif not duplicates:
            try:
                case = services.case_register(
                    actor=request.user,
                    area=area,
                    child_name=data["child_name"],
                    sex=data["sex"],
                    birth_date=data["birth_date"],
                    nik=data["nik"],
                    caregiver_name=data["caregiver_name"],
                    caregiver_relation=data["caregiver_relation"],
                    caregiver_phone=data["caregiver_phone"],
                    address=data["address"],
                    parent_abroad=data["parent_abroad"],
                    destination_country=data["destination_country"],
                    abroad_since=data["abroad_since"],
                    needs=[s for s in service_list if s.slug in data["needs"]],
                    notes=data["notes"],
                    nik_other_area=bool(nik_confirmed),
                    request=request,
                )
            except InvalidInput as exc:
                _form_errors(form, exc)
                flow.show_all = True
            else:
                messages.success(request, _("The child was registered as %(code)s.") % {"code": case.code})
                return redirect("referrals:case_detail", code=case.code)
        else:
            # The person sees the codes of cases on their own team: an identity view of those cases.
            for other in duplicates:
                _audit_identity(
                    request, case=other, fields=["child_name", "birth_date"], action="case.duplicate_check"
                )
    return render(
        request,
        "referrals/case_form.html",
        {
            "form": form,
            "areas": areas,
            "steps": registration.step_context(form, flow),
            "current": flow.current,
            "current_slug": registration.STEP_SLUGS[flow.current],
            "summary": error_summary(form),
            "duplicates": duplicates,
            "nik_warning": nik_warning if not nik_confirmed else "",
            "nik_confirmed": nik_confirmed,
        },
    )


@login_required
@require_POST
def case_create_check(request):
    """The registration's step check for the page's script: the same form, rules and messages as the page
    (`registration.flow_for`/`apply_flow` on the posted form with `go=<next step>`), answered as JSON: whether
    the step may be left, the error summary and the step's fields rendered by the page's own templates (with
    what was typed). Nothing is saved; the script shows the next step only on `ok`."""
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    if not selectors.is_case_worker_anywhere(user=request.user):
        raise Forbidden(_("Only case workers register children."))
    areas = list(selectors.case_worker_areas(user=request.user).order_by("code"))
    form = CaseForm(request.POST, areas=areas, services=list(Service.objects.all()))
    flow = registration.flow_for(request.POST)
    flow.register = False  # a check never registers, and never shows every step
    flow = registration.apply_flow(form, flow)
    checked = [name for step in registration.STEPS for name in step.fields if name in flow.checked]
    summary = error_summary(form)
    return JsonResponse(
        {
            "ok": not form.errors,
            "step": registration.STEP_SLUGS[flow.current],
            "summary_html": render_to_string("includes/error_summary.html", {"summary": summary}),
            "fields": {
                name: render_to_string("referrals/_field.html", {"f": form[name]}) for name in checked
            },
        }
    )


@login_required
def case_detail(request, code):
    access = selectors.case_access(user=request.user, code=code)
    case = access.case
    if access.sees_identity:
        _audit_identity(request, case=case, fields=access.fields)
    is_team = access.level == selectors.ACCESS_TEAM
    context = {
        "access": access,
        "case": case,
        "is_team": is_team,
        "fields": set(access.fields),
        "needs": selectors.case_needs_seen(access=access),
        "referrals": list(selectors.case_referrals_seen(access=access)),
        "panels": panels_for("case", request=request, case_code=case.code),  # e.g. the forum threads on it
    }
    if is_team:
        context.update(
            consents=list(selectors.case_consents(case=case)),
            has_consent=any(c.is_active for c in case.consents.all()),
            team=selectors.case_team(case=case),
            team_form=TeamAddForm(),
            withdraw_form=ConsentWithdrawForm(),
            needs_form=NeedsForm(
                services=Service.objects.all(), initial={"needs": [s.slug for s in context["needs"]]}
            ),
        )
    return render(request, "referrals/case_detail.html", context)


def reverse_case(case) -> str:
    from django.urls import reverse

    return reverse("referrals:case_detail", kwargs={"code": case.code})


def _team_access(request, code):
    access = selectors.case_access(user=request.user, code=code)
    if access.level != selectors.ACCESS_TEAM:
        raise Forbidden(_("Only the case team can do this."))
    return access.case


@login_required
def consent_create(request, code):
    case = _team_access(request, code)
    agencies = list(agencies_list(area=case.area))
    form = ConsentForm(
        request.POST or None,
        agencies=agencies,
        initial={
            "given_on": services.today(),
            "given_by": case.caregiver_name,
            "relation": case.caregiver_relation,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                code=case.code,
                given_by=data["given_by"],
                relation=data["relation"],
                given_on=data["given_on"],
                agencies=[a for a in agencies if str(a.pk) in data["agencies"]],
                request=request,
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The consent was recorded."))
            from .views_inbox import consent_next

            return redirect(consent_next(request, case=case) or reverse_case(case))
    # The form shows the caregiver's name and relation (pre-filled, or as typed): an identity view.
    _audit_identity(
        request, case=case, fields=["caregiver_name", "caregiver_relation"], action="consent.form_view"
    )
    return render(request, "referrals/consent_form.html", {"case": case, "form": form})


@login_required
@require_POST
def consent_withdraw(request, code, consent_id):
    form = ConsentWithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.consent_withdraw(
            actor=request.user, code=code, consent_id=consent_id, note=note, request=request
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "The consent was withdrawn: the referrals sent under it were withdrawn and the agencies no "
                "longer see the child."
            ),
        )
    return redirect("referrals:case_detail", code=code.upper())


@login_required
@require_POST
def team_add(request, code):
    form = TeamAddForm(request.POST)
    if form.is_valid():
        try:
            member = services.case_team_add(
                actor=request.user, code=code, username=form.cleaned_data["username"], request=request
            )
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s joined the case team.") % {"name": member.user.shown_name})
    else:
        messages.error(request, _("Write the username of a case worker."))
    return redirect("referrals:case_detail", code=code.upper())


@login_required
@require_POST
def case_needs(request, code):
    service_list = list(Service.objects.all())
    form = NeedsForm(request.POST, services=service_list)
    if form.is_valid():
        services.case_update_needs(
            actor=request.user,
            code=code,
            needs=[s for s in service_list if s.slug in form.cleaned_data["needs"]],
            request=request,
        )
        messages.success(request, _("The needs were saved."))
    return redirect("referrals:case_detail", code=code.upper())


@login_required
def case_audit(request, code):
    case = _team_access(request, code)
    page = Paginator(selectors.case_audit_trail(case=case), 50).get_page(request.GET.get("page"))
    # An identity correction shows its old and new values here: the case team only (_team_access).
    from .identity import corrections_by_entry

    corrections = corrections_by_entry(case=case, entry_ids=[e.pk for e in page.object_list])
    for entry in page.object_list:
        entry.correction = corrections.get(entry.pk)
    return render(request, "referrals/case_audit.html", {"case": case, "page": page})


@login_required
def referral_create(request, code):
    case = _team_access(request, code)
    service_list = list(Service.objects.all())
    slug = request.POST.get("service") or request.GET.get("service") or ""
    service = next((s for s in service_list if s.slug == slug), None)
    # The picker offers only agencies that provide the service and whose jurisdiction covers the child's area.
    agencies = list(agencies_list(area=case.area, service=service)) if service else []
    consented = {a.pk for c in selectors.case_consents(case=case) if c.is_active for a in c.agencies.all()}
    from .views_inbox import referral_draft_restore, referral_draft_save_and_go_to_consent

    if request.method == "POST" and "to_consent" in request.POST:
        # Issue 20: to the consent form first, keeping what was typed (server-side session, never a URL).
        return referral_draft_save_and_go_to_consent(request, case=case, slug=slug)
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        services=service_list,
        agencies=agencies,
        initial={"service": slug, **referral_draft_restore(request, case=case, slug=slug)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user,
                code=case.code,
                agency=next((a for a in agencies if str(a.pk) == data["agency"]), None),
                service=service,
                note=data["note"],
                urgency=data["urgency"],
                consent_override_reason=data["consent_override_reason"],
                request=request,
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("The referral was sent to %(agency)s.") % {"agency": referral.agency.name}
            )
            return redirect("referrals:referral_detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {
            "case": case,
            "form": form,
            "service": service,
            "agencies": agencies,
            "consented": consented,
            # Consent first (issue 20): the offered agencies without the caregiver's consent, named at the top.
            "without_consent": [a for a in agencies if a.pk not in consented],
        },
    )


# --- referrals ---------------------------------------------------------------------------------------------


def _referral_context(request, access, *, forms_by_action=None, message_form=None, resend_form=None):
    referral = access.referral
    actions = actions_for(status=referral.status, actors=access.actors)
    forms_by_action = forms_by_action or {}
    buttons = [
        {"spec": t, "form": forms_by_action.get(t.action) or TransitionForm(initial={"action": t.action})}
        for t in actions
    ]
    context = {
        "access": access,
        "referral": referral,
        "case": referral.case,
        "buttons": buttons,
        "timeline": timeline_html(selectors.referral_history(referral=referral, is_team=access.is_team)),
        "team_notes": selectors.sees_team_notes(referral=referral, is_team=access.is_team),
        "deadline": selectors.referral_deadline(referral) if referral.is_open else None,
        "overdue": selectors.referral_is_overdue(referral),
        "identity": access.sees_identity,
        "fields": set(IDENTITY_FIELDS) if access.is_team else set(referral.shared_fields),
    }
    if access.sees_thread:
        context["thread"] = list(selectors.referral_messages(referral=referral, access=access))
        context["thread_own_only"] = access.thread_own_group_id is not None
        context["message_form"] = message_form or MessageForm()
        context["thread_open"] = referral.status in (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)
    from .views_inbox import triage_context  # issue 20: claims, decline reasons, withdrawal, one-step accept

    context.update(triage_context(access, forms_by_action))
    if access.is_team and referral.status == Status.DECLINED:
        others = [
            a
            for a in agencies_list(area=referral.case.area, service=referral.service)
            if a.pk != referral.agency_id
        ]
        context["resend_form"] = resend_form or ResendForm(agencies=others)
    return context


def _render_referral(request, access, status=200, **kwargs):
    if access.sees_identity:
        fields = IDENTITY_FIELDS if access.is_team else access.referral.shared_fields
        _audit_identity(
            request, case=access.referral.case, fields=fields, target=access.referral, action="referral.view"
        )
    return render(
        request, "referrals/referral_detail.html", _referral_context(request, access, **kwargs), status=status
    )


@login_required
def referral_detail(request, pk):
    return _render_referral(request, selectors.referral_access(user=request.user, referral_id=pk))


@login_required
@require_POST
def referral_act(request, pk):
    form = TransitionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    try:
        referral = services.referral_transition(
            actor=request.user,
            referral_id=pk,
            action=action,
            note=form.cleaned_data.get("note", ""),
            outcome=form.cleaned_data.get("outcome", ""),
            request=request,
        )
    except InvalidInput as exc:
        _form_errors(form, exc)
        access = selectors.referral_access(user=request.user, referral_id=pk)
        return _render_referral(request, access, status=422, forms_by_action={action: form})
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("referrals:referral_detail", pk=pk)
    label = TRANSITIONS[action].label
    messages.success(
        request,
        _("Done: %(action)s. The referral is now “%(status)s”.")
        % {"action": label, "status": referral.get_status_display()},
    )
    return redirect("referrals:referral_detail", pk=pk)


@login_required
@require_POST
def referral_message(request, pk):
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.referral_message_post(
                actor=request.user, referral_id=pk, body=form.cleaned_data["body"], request=request
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect(f"{request.path.rsplit('/messages/', 1)[0]}/#thread")
    access = selectors.referral_access(user=request.user, referral_id=pk)
    if not access.sees_thread:
        raise Forbidden(_("This referral has ended: its thread is closed to the agency."))
    return _render_referral(request, access, status=422, message_form=form)


@login_required
@require_POST
def referral_resend(request, pk):
    access = selectors.referral_access(user=request.user, referral_id=pk)
    agencies = [
        a
        for a in agencies_list(area=access.referral.case.area, service=access.referral.service)
        if a.pk != access.referral.agency_id
    ]
    form = ResendForm(request.POST, agencies=agencies)
    if form.is_valid():
        try:
            new = services.referral_resend(
                actor=request.user,
                referral_id=pk,
                agency=Agency.objects.filter(pk=form.cleaned_data["agency"]).first(),
                note=form.cleaned_data["note"],
                request=request,
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The referral was sent to %(agency)s.") % {"agency": new.agency.name})
            return redirect("referrals:referral_detail", pk=new.pk)
    return _render_referral(request, access, status=422, resend_form=form)


@login_required
def referral_letter(request, pk):
    access = selectors.referral_access(user=request.user, referral_id=pk)
    if not access.sees_identity:
        raise Forbidden(
            _("This referral has ended: the child's details are no longer shared with the agency.")
        )
    referral = access.referral
    fields = IDENTITY_FIELDS if access.is_team else referral.shared_fields
    _audit_identity(
        request,
        case=referral.case,
        fields=fields,
        surface="export",
        target=referral,
        action="referral.letter",
    )
    return render(
        request,
        "referrals/referral_letter.html",
        {
            "referral": referral,
            "case": referral.case,
            "fields": set(fields),
            "deadline": selectors.referral_deadline(referral),
        },
    )


# The agency inbox: views_inbox.inbox (issue 20).


# --- identity correction (issue 20) ------------------------------------------------------------------------


@login_required
def case_identity(request, code):
    """The case team corrects the child's identity; every change is audited with its old value."""
    from .forms import IdentityForm
    from .identity import CORRECTABLE, case_correct_identity

    case = _team_access(request, code)
    initial = {name: getattr(case, name) for name in CORRECTABLE}
    form = IdentityForm(request.POST if request.method == "POST" else None, initial=initial)
    nik_warning = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A new NIK of another kecamatan: the same warning as at registration, confirmed for that NIK.
        if data["nik"] != case.nik and request.POST.get("confirm_nik") != data["nik"]:
            nik_warning = services.nik_area_warning(nik=data["nik"], area=case.area)
    if request.method == "POST" and form.is_valid() and not nik_warning:
        data = form.cleaned_data
        try:
            correction = case_correct_identity(
                actor=request.user,
                code=case.code,
                values={name: data[name] for name in CORRECTABLE},
                reason=data["reason"],
                request=request,
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            if correction is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request, _("The child's details were corrected. The audit trail keeps the old values.")
                )
            return redirect("referrals:case_detail", code=case.code)
    _audit_identity(request, case=case, fields=CORRECTABLE, action="case.identity_form_view")
    return render(
        request,
        "referrals/case_identity.html",
        {"case": case, "form": form, "summary": error_summary(form), "nik_warning": nik_warning},
    )
