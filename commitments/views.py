"""The commitments pages. Views parse input, call one service or selector, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.areas.selectors import area_ancestors, area_get
from portal.core.errors import Forbidden, InvalidInput, NotFound, PelitaError

from . import exports, imports, proposals, services
from .charts import pair_chart, trend_chart
from .forms import BudgetLineForm, EvidenceForm, ImportForm, PolicyForm
from .models import POLICY_TRANSITIONS, FundSource, Policy, PolicyStatus
from .permissions import COMMITTING_LEVELS, user_record_codes, user_records_area
from .reporting import export_tables
from .selectors import (
    area_lines,
    area_policies,
    current_year,
    evidence_get,
    line_get,
    line_years,
    policy_get,
    rollup_cached,
    totals_by_source,
)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return current_year()
    return year if 2000 <= year <= 2100 else current_year()


def _form_errors(form, exc: PelitaError):
    for field, msgs in (exc.errors or {"__all__": [exc.message]}).items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _top_codes(codes):
    top = []
    for code in sorted(codes):
        if not any(code == t or code.startswith(t + ".") for t in top):
            top.append(code)
    return top


def index(request):
    """A recorder lands on the commitments of the first area they record; anyone else on the whole country."""
    codes = user_record_codes(user=request.user)
    if codes:
        return redirect("commitments:area", code=_top_codes(codes)[0])
    return _area_page(request, None)


def area(request, code):
    return _area_page(request, area_get(code=code))


def _charts(data, year, base_url):
    rows = [(str(FundSource(r["source"]).label), r["planned_idr"], r["realised_idr"], "")
            for r in data["by_source_detail"] if r["planned_idr"] or r["realised_idr"]]  # fmt: skip
    charts = {
        "sources": pair_chart(
            id="chart-sources", title=_("Planned and realised by source, %(y)s") % {"y": year}, rows=rows
        ),
        "trend": trend_chart(id="chart-trend", title=_("Planned and realised per year"), trend=data["trend"]),
    }
    if data["breakdown"]:
        charts["areas"] = pair_chart(
            id="chart-areas",
            title=_("Planned and realised per area, %(y)s") % {"y": year},
            rows=[
                (r["name"], r["planned_idr"], r["realised_idr"], f"{base_url(r['area'])}?year={year}")
                for r in data["breakdown"]
                if r["planned_idr"] or r["realised_idr"]
            ],  # fmt: skip
        )
    return charts


def _area_page(request, area):
    year = _year(request)
    is_recorder = area is not None and user_records_area(user=request.user, area=area)
    data = rollup_cached(area=area, year=year, public=not _oversees(request, area))
    context = {
        "area": area,
        "year": year,
        "data": data,
        "is_recorder": is_recorder,
        "can_record": is_recorder and area.level in COMMITTING_LEVELS,
        "ancestors": area_ancestors(area=area) if area else [],
        "years": _year_choices(area, year),
        "charts": _charts(data, year, lambda c: reverse("commitments:area", args=[c])),
    }
    if area is not None:
        lines = list(area_lines(area=area, year=year))
        context["lines"] = lines
        context["own"] = totals_by_source(lines)
        context["own_policies"] = list(area_policies(user=request.user, area=area))
        context["transitions"] = POLICY_TRANSITIONS
    response = render(request, "commitments/area.html", context)
    if not request.user.is_authenticated:
        response["Cache-Control"] = "public, max-age=300"
    return response


def _oversees(request, area) -> bool:
    """Exact children counts for those who may see the dashboard of the area; suppressed ones for anyone else."""
    return area is not None and user_records_area(user=request.user, area=area)


def _year_choices(area, year):
    years = set(line_years(area=area)) | {current_year(), year}
    return sorted(years, reverse=True)[:8]


def card(request, code):
    """The one-page commitment card of an area (a village's, for its deliberation), printable."""
    target = area_get(code=code)
    year = _year(request)
    lines = list(area_lines(area=target, year=year))
    policies = [p for p in area_policies(user=request.user, area=target, include_ancestors=True)
                if p.published_at and p.status != PolicyStatus.DRAFT]  # fmt: skip
    data = rollup_cached(area=target, year=year, public=True)
    return render(
        request,
        "commitments/card.html",
        {
            "area": target,
            "year": year,
            "lines": lines,
            "own": totals_by_source(lines),
            "policies": policies,
            "data": data,
            "printed": timezone.localtime(),
        },  # fmt: skip
    )


def export(request, code, fmt):
    """The roll-up's tables as CSV or XLSX (public figures: the same for anyone, children counts suppressed
    unless the person records the area)."""
    if fmt not in FORMATS:
        raise Http404
    target = area_get(code=code)
    year = _year(request)
    data = rollup_cached(area=target, year=year, public=not _oversees(request, target))
    tables = export_tables(data)
    body = exports.to_csv(tables) if fmt == "csv" else exports.to_xlsx(tables)
    return _download(body, fmt, f"pelita-komitmen-{target.code}-{year}")


def _download(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- budget lines --------------------------------------------------------------------------------------------


def _recorder_area(request, code):
    target = area_get(code=code)
    if not user_records_area(user=request.user, area=target):
        raise Forbidden(
            _(
                "Only the coordinators and facilitators of %(area)s (or of an area above it) record its commitments."
            )
            % {"area": target.display_name}
        )
    return target


def _line_kwargs(data):
    return {
        "year": data["year"],
        "source": data["source"],
        "activity": data["activity"],
        "activity_code": data.get("activity_code", ""),
        "field_code": data.get("field_code", ""),
        "planned_idr": data["planned_idr"],
        "realised_idr": data.get("realised_idr"),
        "realised_on": data.get("realised_on"),
        "notes": data.get("notes", ""),
        **({"proposal_id": data.get("proposal_id")} if "proposal_id" in data else {}),
    }


@login_required
@never_cache
def line_new(request, code):
    target = _recorder_area(request, code)
    available = proposals.accepted_proposals(area=target)
    form = BudgetLineForm(request.POST or None, proposals=available, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_create(
                actor=request.user, area=target, services=list(form.cleaned_data["services"]),
                request=request, **_line_kwargs(form.cleaned_data),
            )  # fmt: skip
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The budget line was saved."))
            return redirect(
                f"{reverse('commitments:area', args=[target.code])}?year={form.cleaned_data['year']}#lines"
            )
    return render(request, "commitments/line_form.html", {"form": form, "area": target, "line": None})


@login_required
@never_cache
def line_edit(request, pk):
    line = line_get(pk=pk)
    target = _recorder_area(request, line.area.code)
    initial = {name: getattr(line, name) for name in services.LINE_FIELDS}
    initial["services"] = list(line.services.all())
    form = BudgetLineForm(
        request.POST or None, proposals=proposals.accepted_proposals(area=target), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        kwargs = _line_kwargs(form.cleaned_data)
        try:
            services.budget_line_update(actor=request.user, line=line, services=list(form.cleaned_data["services"]),
                                        request=request, **kwargs)  # fmt: skip
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The budget line was saved."))
            return redirect(f"{reverse('commitments:area', args=[target.code])}?year={kwargs['year']}#lines")
    return render(request, "commitments/line_form.html", {"form": form, "area": target, "line": line})


@login_required
@require_POST
def line_delete(request, pk):
    line = line_get(pk=pk)
    code, year = line.area.code, line.year
    services.budget_line_delete(actor=request.user, line=line, request=request)
    messages.success(request, _("The budget line was removed."))
    return redirect(f"{reverse('commitments:area', args=[code])}?year={year}#lines")


@login_required
@never_cache
def evidence_new(request, pk):
    line = line_get(pk=pk)
    _recorder_area(request, line.area.code)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(actor=request.user, line=line, title=form.cleaned_data["title"],
                                  file=form.cleaned_data["file"], request=request)  # fmt: skip
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The evidence was attached."))
            return redirect(
                f"{reverse('commitments:area', args=[line.area.code])}?year={line.year}#line-{line.pk}"
            )
    return render(request, "commitments/evidence_form.html", {"form": form, "line": line, "area": line.area})


@login_required
def evidence_file(request, pk):
    doc = evidence_get(user=request.user, pk=pk)
    return _file_response(doc.file, private=True)


def _file_response(field_file, *, private: bool):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("The file is missing.")) from None
    name = field_file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=not name.lower().endswith(".pdf"), filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response


# --- policies ------------------------------------------------------------------------------------------------


@login_required
@never_cache
def policy_new(request, code):
    target = _recorder_area(request, code)
    form = PolicyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.policy_create(
                actor=request.user, area=target, kind=d["kind"], number=d["number"], title=d["title"],
                issuing_body=d["issuing_body"], issued_on=d["issued_on"], status=d["status"],
                services=list(d["services"]), summary=d["summary"], document=d["document"], request=request,
            )  # fmt: skip
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect(f"{reverse('commitments:area', args=[target.code])}#policies")
    return render(request, "commitments/policy_form.html", {"form": form, "area": target, "policy": None})


@login_required
@never_cache
def policy_edit(request, pk):
    policy = policy_get(user=request.user, pk=pk)
    target = _recorder_area(request, policy.area.code)
    initial = {f: getattr(policy, f) for f in services.POLICY_FIELDS} | {
        "services": list(policy.services.all())
    }
    form = PolicyForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.policy_update(
                actor=request.user, policy=policy, services=list(d["services"]), document=d["document"],
                request=request, **{f: d[f] for f in services.POLICY_FIELDS},
            )  # fmt: skip
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect(f"{reverse('commitments:area', args=[target.code])}#policies")
    others = Policy.objects.filter(area_code=policy.area_code).exclude(pk=policy.pk).order_by("-issued_on")
    return render(request, "commitments/policy_form.html",
                  {"form": form, "area": target, "policy": policy, "others": others, "transitions": POLICY_TRANSITIONS})  # fmt: skip


@login_required
@require_POST
def policy_action(request, pk):
    policy = policy_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action in ("publish", "unpublish"):
            services.policy_publish(
                actor=request.user, policy=policy, publish=action == "publish", request=request
            )
        else:
            replaced_by = None
            if action == "replace":
                other = request.POST.get("replaced_by", "")
                replaced_by = (
                    Policy.objects.filter(pk=int(other), area_code=policy.area_code).first()
                    if other.isdigit()
                    else None
                )
            on = None
            if request.POST.get("on"):
                try:
                    on = dt.date.fromisoformat(request.POST["on"])
                except ValueError:
                    raise InvalidInput(_("Type the date as YYYY-MM-DD.")) from None
            services.policy_transition(actor=request.user, policy=policy, action=action, on=on,
                                       replaced_by=replaced_by, request=request)  # fmt: skip
    except (InvalidInput, PelitaError) as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The policy was updated."))
    return redirect(f"{reverse('commitments:area', args=[policy.area_code])}#policy-{policy.pk}")


def policy_document(request, pk):
    """The policy's document: for anyone once the policy is published, before that for its recorders only."""
    policy = policy_get(user=request.user, pk=pk)
    if not policy.document:
        raise NotFound(_("This policy has no document."))
    return _file_response(policy.document, private=not policy.is_published)


# --- import --------------------------------------------------------------------------------------------------


@login_required
@never_cache
def import_upload(request, code):
    target = _recorder_area(request, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_preview(
                actor=request.user, area=target, upload=form.cleaned_data["file"], request=request
            )
        except InvalidInput as exc:
            _form_errors(form, exc)
        else:
            return redirect("commitments:import_preview", pk=batch.pk)
    return render(
        request,
        "commitments/import_form.html",
        {
            "form": form,
            "area": target,
            "columns": imports.TEMPLATE_COLUMNS,
            "limits": services.import_limits(),
            "required": imports.REQUIRED,
            "sources": imports.SOURCE_ALIASES,
        },  # fmt: skip
    )


@login_required
@never_cache
def import_preview(request, pk):
    batch = services.import_batch_get(actor=request.user, batch_id=pk)
    if request.method == "POST":
        try:
            result = services.import_apply(actor=request.user, batch=batch, request=request)
        except PelitaError as exc:
            if isinstance(exc, Forbidden | NotFound):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Import done: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, %(skipped)s rows with errors left out."
                )
                % result,
            )
            return redirect("commitments:area", code=batch.area.code)
        batch.refresh_from_db()
    rows = batch.rows
    counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    for r in rows:
        counts["error" if r["errors"] else r["action"]] += 1
    return render(
        request,
        "commitments/import_preview.html",
        {"batch": batch, "area": batch.area, "rows": rows, "counts": counts},
    )


def import_template(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    body = imports.template_csv() if fmt == "csv" else imports.template_xlsx()
    return _download(body, fmt, "pelita-template-anggaran")
