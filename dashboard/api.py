"""GET /api/v1/indicators (coordinators and facilitators, within their area subtree) and
GET /api/v1/public/indicators (anyone): API.md."""

from django.utils.translation import gettext as _
from ninja import Query, Router

from portal.agencies.models import Service
from portal.core.errors import InvalidInput
from portal.core.reporting import report_sections
from portal.core.schemas import Date

from .selectors import (
    Filters,
    agencies_for_area,
    dashboard_area,
    indicators_api,
    indicators_cached,
    public_indicators,
)

router = Router(tags=["dashboard"])


@router.get("/indicators", summary="Indicators for an area's subtree")
def get_indicators(
    request,
    area: str = "",
    date_from: Date | None = Query(None, alias="from", description="From this day (WITA), 1900–2100."),  # noqa: B008
    date_to: Date | None = Query(None, alias="to", description="Until this day, inclusive."),  # noqa: B008
    service: str = "",
    agency: int | None = None,
):
    target = dashboard_area(user=request.auth, code=area)
    errors = {}
    svc = None
    if service:
        svc = Service.objects.filter(slug=service).first()
        if svc is None:
            errors["service"] = [_("No service has the slug %(slug)s.") % {"slug": service}]
    ag = None
    if agency is not None:
        ag = agencies_for_area(area=target).filter(pk=agency).first()
        if ag is None:
            errors["agency"] = [_("No agency with this id serves this area.")]
    if date_from and date_to and date_from > date_to:
        errors["to"] = [_("The end date must be on or after the start date.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    data = indicators_cached(
        area=target, filters=Filters(date_from=date_from, date_to=date_to, service=svc, agency=ag)
    )
    answer = indicators_api(data)
    sections = {
        s.key: s.figures(area=target, date_from=date_from, date_to=date_to) for s in report_sections()
    }
    if sections:
        answer["sections"] = sections
    return answer


@router.get("/public/indicators", auth=None, summary="Public, suppressed indicators")
def get_public_indicators(request, area: str = ""):
    return public_indicators(area_code=area or None)
