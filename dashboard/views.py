from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal.agencies.models import Service
from portal.core.charts import bar_chart, line_chart
from portal.core.errors import InvalidInput
from portal.core.reporting import report_sections
from portal.core.workdays import days_overdue

from . import exports
from .cases import Status, cases_for_team
from .forms import IndicatorFilterForm
from .selectors import (
    KEY_NEEDS,
    STATUSES,
    agencies_for_area,
    dashboard_area,
    dashboard_areas,
    dashboard_context,
    indicators_cached,
    overdue_referrals,
    public_area,
    public_indicators,
)
from .services import cases_export_record, indicators_export_record

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",  # one CSV per table
}

# The area table's columns: ?sort=<key> (ascending) or ?sort=-<key>; a number column sorts largest first on
# its first click. Sorted on the server, so it works without JavaScript.
AREA_COLUMNS = [
    ("name", gettext_lazy("Area"), "name", False),
    ("children", gettext_lazy("Children registered"), "children_registered", True),
    ("referrals", gettext_lazy("Referrals"), "referrals", True),
    ("overdue", gettext_lazy("Overdue"), "overdue", True),
]


def _sorted_breakdown(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    """The rows in the asked order, and the sort actually applied ("" for the default order)."""
    key = sort.lstrip("-")
    field = next((f for k, _l, f, _n in AREA_COLUMNS if k == key), None)
    if field is None:
        return rows, ""

    def value(row):
        v = row.get(field)
        return (
            (str(v).casefold(), row["area"])
            if field == "name"
            else (v if isinstance(v, int) else -1, row["area"])
        )

    return sorted(rows, key=value, reverse=sort.startswith("-")), sort


def _area_columns(request, applied: str) -> list[dict]:
    columns = []
    for key, label, _field, numeric in AREA_COLUMNS:
        if applied.lstrip("-") == key:
            state = "descending" if applied.startswith("-") else "ascending"
            next_sort = key if applied.startswith("-") else f"-{key}"
        else:
            state = ""
            next_sort = f"-{key}" if numeric else key
        query = request.GET.copy()
        query["sort"] = next_sort
        columns.append(
            {"label": label, "url": f"?{query.urlencode()}#h-areas", "state": state, "numeric": numeric}
        )
    return columns


def _labels(services=None):
    """Service and status labels; `services`: the filter form's queryset (read once for both, the page's
    select and these labels)."""
    if services is None:
        services = Service.objects.order_by("position", "slug")
    services = {s.slug: s.name for s in services}
    statuses = {s.value: str(s.label) for s in STATUSES}
    return services, statuses


def _dashboard(request):
    areas = dashboard_areas(user=request.user)
    area = dashboard_area(user=request.user, code=request.GET.get("area", ""), areas=areas)
    form = IndicatorFilterForm(request.GET or None, agencies=agencies_for_area(area=area))
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    return areas, area, form, filters


def _month(m):
    return date_format(m, "M Y")


@login_required
@never_cache
def index(request):
    areas, area, form, filters = _dashboard(request)
    data = indicators_cached(area=area, filters=filters)
    services, statuses = _labels(form.fields["service"].queryset)
    query = request.GET.copy()
    query.pop("area", None)
    filter_query = query.urlencode()

    def drill(code):
        return f"?area={code}" + (f"&{filter_query}" if filter_query else "")

    need_order = KEY_NEEDS + [s for s in data["needs"] if s not in KEY_NEEDS]
    charts = {
        "services": bar_chart(
            id="chart-services",
            title=_("Referrals by service"),
            rows=[(services.get(s, s), n, "") for s, n in data["referrals_by_service"].items()],
        ),
        "status": bar_chart(
            id="chart-status",
            title=_("Referrals by status"),
            rows=[(statuses.get(s, s), n, "") for s, n in data["referrals_by_status"].items()],
        ),
        "needs": bar_chart(
            id="chart-needs",
            title=_("Children by need"),
            rows=[(services.get(s, s), data["needs"][s], "") for s in need_order if s in data["needs"]],
        ),
        "areas": bar_chart(
            id="chart-areas",
            title=_("Children registered per area"),
            rows=[
                (r["name"], r["children_registered"], "" if r.get("itself") else drill(r["area"]))
                for r in data["breakdown"]
            ],
        ),
        "trend": line_chart(
            id="chart-trend",
            title=_("Trend per month"),
            months=[r["month"] for r in data["trend"]],
            series=[
                (_("Children registered"), "s1", [r["children_registered"] for r in data["trend"]]),
                (_("Referrals sent"), "s2", [r["referrals"] for r in data["trend"]]),
                (_("Completed"), "s3", [r["completed"] for r in data["trend"]]),
            ],
            month_format=_month,
        ),
    }
    sections = [
        {"section": s, "figures": s.figures(area=area, date_from=filters.date_from, date_to=filters.date_to)}
        for s in report_sections()
    ]
    top = max((r["children_registered"] for r in data["breakdown"]), default=0) or 1
    breakdown = [dict(row) for row in data["breakdown"]]  # the cached figures stay as they are
    for row in breakdown:
        row["bar"] = round(100 * row["children_registered"] / top)
        row["url"] = "" if row.get("itself") else drill(row["area"])
    breakdown, applied_sort = _sorted_breakdown(breakdown, request.GET.get("sort", "")[:20])
    export_query = query.copy()
    export_query["area"] = area.code
    export_query.pop("sort", None)
    return render(
        request,
        "dashboard/index.html",
        {
            "area": area,
            "areas": areas,
            "form": form,
            "data": data,
            "breakdown": breakdown,
            "area_columns": _area_columns(request, applied_sort),
            # Who may see the dashboard of an area oversees it, so may see the overdue referrals' case codes.
            "overdue_url": f"{reverse('dashboard:overdue')}?{export_query.urlencode()}"
            if data["overdue"]
            else "",
            "export_tables": [
                (key, title)
                for key, title, _rows in _tables(
                    data,
                    area,
                    filters,
                    labels=(services, statuses),
                    figures={item["section"].key: item["figures"] for item in sections},
                )
            ],
            "export_query": export_query.urlencode(),
            "charts": charts,
            "report_sections": sections,
            "services": services,
            "statuses": statuses,
            "filter_query": request.GET.urlencode(),
            "has_cases": cases_for_team(user=request.user).exists(),
            "completed_pct": "–"
            if data["completed_share"] is None
            else f"{round(100 * data['completed_share'])}%",
            **dashboard_context(area=area),
        },
    )


def _download(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    _areas, area, form, filters = _dashboard(request)
    if form.is_bound and form.errors:
        # An export of other figures than the ones asked for would be a lie: say what is wrong, on the page
        # with the filters (each error next to its field), and make nothing.
        messages.error(request, _("The export was not made: correct the filters marked below and try again."))
        response = index(request)
        response.status_code = 422
        return response
    data = indicators_cached(area=area, filters=filters)
    tables = _tables(data, area, filters)
    table = request.GET.get("table", "")
    stamp = timezone.localdate().isoformat()
    name = f"pelita-indicators-{area.code}-{stamp}"
    if table:
        # One table, as a plain CSV (a spreadsheet opens it as it is): ?table=<key>, the keys the page lists.
        chosen = [(title, rows) for key, title, rows in tables if key == table]
        if fmt != "csv" or not chosen:
            raise Http404
        body = exports.table_csv(chosen[0][1])
        name = f"{name}-{table}"
    elif fmt == "zip":
        body = exports.to_zip([(key, rows) for key, _title, rows in tables])
    else:
        sections = [(title, rows) for _key, title, rows in tables]
        body = exports.to_csv(sections) if fmt == "csv" else exports.to_xlsx(sections)
    indicators_export_record(
        actor=request.user,
        area=area,
        fmt=fmt,
        filters={**filters.as_dict(), **({"table": table} if table else {})},
        request=request,
    )
    return _download(body, fmt, name)


def _tables(data, area, filters, *, labels=None, figures=None) -> list[tuple[str, str, list[list]]]:
    """Every table of the exports: (key, title, rows). The key names the file in the zip and ?table=.
    `labels` and `figures` ({section key: figures}): what the page already has, so it pays no query again."""
    services, statuses = labels or _labels()
    figures = figures or {}
    tables = [
        (
            "figures",
            _("Figures"),
            exports.figure_rows(data, services=services, statuses=statuses, area_name=area.display_name),
        ),
        ("areas", _("Per area"), exports.breakdown_rows(data)),
        ("months", _("Per month"), exports.trend_rows(data)),
    ]
    for section in report_sections():
        if section.export_tables:
            shown = figures.get(section.key)
            if shown is None:
                shown = section.figures(area=area, date_from=filters.date_from, date_to=filters.date_to)
            for i, (title, rows) in enumerate(section.export_tables(shown), 1):
                tables.append((f"{section.key}-{i}", title, rows))
    return tables


@login_required
@never_cache
def overdue(request):
    """The overdue referrals behind the dashboard's "Overdue now": case codes, never a child's identity. For who
    may see the area's dashboard (its facilitators and coordinators, who see a case's code page as overseers)."""
    _areas, area, form, filters = _dashboard(request)
    rows = overdue_referrals(area=area, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for r in page.object_list:
        r.days_overdue = days_overdue(r.deadline, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/overdue.html",
        {"area": area, "page": page, "count": page.paginator.count, "query": query.urlencode()},
    )


CASE_COLUMNS = [
    ("code", gettext_lazy("Case code")),
    ("child_name", gettext_lazy("Child's name")),
    ("sex", gettext_lazy("Sex")),
    ("birth_date", gettext_lazy("Date of birth")),
    ("nik", gettext_lazy("NIK")),
    ("caregiver_name", gettext_lazy("Caregiver's name")),
    ("caregiver_relation", gettext_lazy("Caregiver's relation")),
    ("caregiver_phone", gettext_lazy("Caregiver's phone")),
    ("address", gettext_lazy("Address")),
    ("village", gettext_lazy("Desa")),
    ("area", gettext_lazy("Dusun or desa")),
    ("parent_abroad", gettext_lazy("Parent abroad")),
    ("destination_country", gettext_lazy("Destination country")),
    ("abroad_since", gettext_lazy("Abroad since")),
    ("needs", gettext_lazy("Needs")),
    ("created_at", gettext_lazy("Registered")),
    ("referrals", gettext_lazy("Referrals")),
]


@login_required
@never_cache
def cases_page(request):
    """A case worker's exports of the cases on their own team (identity included, every export audited)."""
    cases = cases_for_team(user=request.user)
    return render(request, "dashboard/cases_export.html", {"count": cases.count()})


@login_required
@never_cache
def cases_export(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    if request.method != "POST":
        # A download of identity data is an action: it is audited, so it is a POST from the page's form.
        return render(
            request,
            "dashboard/cases_export.html",
            {"count": cases_for_team(user=request.user).count()},
            status=405,
        )
    cases = list(cases_for_team(user=request.user))
    if not cases:
        raise Http404(_("You are not on the team of any case."))
    statuses = {s.value: str(s.label) for s in Status}
    rows = [[str(label) for _key, label in CASE_COLUMNS]]
    for case in cases:
        rows.append(
            [
                case.code,
                case.child_name,
                case.get_sex_display(),
                case.birth_date.isoformat(),
                case.nik,
                case.caregiver_name,
                case.caregiver_relation,
                case.caregiver_phone,
                case.address,
                case.village.display_name,
                case.area.display_name,
                case.get_parent_abroad_display(),
                case.destination_country,
                case.abroad_since.isoformat() if case.abroad_since else "",
                ", ".join(s.slug for s in case.needs.all()),
                timezone.localtime(case.created_at).date().isoformat(),
                "; ".join(
                    f"{r.service.slug}: {statuses.get(r.status, r.status)}" for r in case.referrals.all()
                ),
            ]
        )
    sections = [(_("My cases"), rows)]
    body = exports.to_csv(sections) if fmt == "csv" else exports.to_xlsx(sections)
    cases_export_record(actor=request.user, cases=cases, fmt=fmt, request=request)
    return _download(body, fmt, f"pelita-my-cases-{timezone.localdate().isoformat()}")


def public(request):
    """The public figures, for anyone: suppressed (every count from 1 to 4 is "<5"), cached."""
    code = request.GET.get("area", "").strip()
    error = ""
    try:
        data = public_indicators(area_code=code or None)
    except InvalidInput as exc:
        error = exc.message
        data = public_indicators(area_code=None)
    services, statuses = _labels()
    need_order = KEY_NEEDS + [s for s in data["needs"] if s not in KEY_NEEDS]
    charts = {
        "areas": bar_chart(
            id="chart-public-areas",
            title=_("Children registered per area"),
            rows=[(r["name"], r["children_registered"], f"?area={r['area']}") for r in data["breakdown"]],
        ),
        "services": bar_chart(
            id="chart-public-services",
            title=_("Referrals by service"),
            rows=[(services.get(s, s), n, "") for s, n in data["referrals_by_service"].items()],
        ),
        "needs": bar_chart(
            id="chart-public-needs",
            title=_("Children by need"),
            rows=[(services.get(s, s), data["needs"][s], "") for s in need_order],
        ),
    }
    public_sections = []
    for section in report_sections():
        if section.public_figures and section.public_template:
            figures = section.public_figures(area=public_area(code=data["area"]))
            if figures is not None:
                public_sections.append({"section": section, "figures": figures})
    ancestors = []
    if data["area"]:
        from portal.areas.selectors import area_ancestors, area_get

        area = area_get(code=data["area"])
        ancestors = area_ancestors(area=area)
    response = render(
        request,
        "dashboard/public.html",
        {
            "data": data,
            "charts": charts,
            "statuses": statuses,
            "services": services,
            "ancestors": ancestors,
            "report_sections": public_sections,
            "error": error,
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
