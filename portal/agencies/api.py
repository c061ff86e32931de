from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from portal.areas.selectors import area_get
from portal.core.errors import InvalidInput
from portal.core.pagination import PageParams, paginate

from .models import Service
from .selectors import agencies_list, services_list

router = Router(tags=["agencies"])


class ServiceOut(Schema):
    slug: str
    name: str


class AgencyOut(Schema):
    id: int
    name: str
    area: str
    services: list[str]


class ServiceList(Schema):
    count: int
    results: list[ServiceOut]


class AgencyList(Schema):
    count: int
    results: list[AgencyOut]


class AgencyFilters(PageParams):
    area: str = Field("", description="An area code: agencies whose jurisdiction covers that area.")
    service: str = Field("", description="A service slug: agencies that provide it.")


@router.get("/services", response=ServiceList)
def services(request, params: Query[PageParams]):
    """The service catalogue, as every list: `{"count", "results"}` with `page` / `page_size`."""
    return paginate(
        services_list().order_by("position", "slug"),
        page=params.page,
        page_size=params.page_size,
        serialize=lambda s: {"slug": s.slug, "name": s.name},
    )


@router.get("/agencies", response=AgencyList)
def agencies(request, filters: Query[AgencyFilters]):
    area = area_get(code=filters.area) if filters.area else None
    service = None
    if filters.service:
        service = Service.objects.filter(slug=filters.service).first()
        if service is None:
            msg = _("Unknown service: %(slug)s.") % {"slug": filters.service}
            raise InvalidInput(msg, errors={"service": [msg]})
    return paginate(
        agencies_list(area=area, service=service),
        page=filters.page,
        page_size=filters.page_size,
        serialize=lambda a: {
            "id": a.pk,
            "name": a.name,
            "area": a.area.code,
            "services": [s.slug for s in a.services.all()],
        },
    )
