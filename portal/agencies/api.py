from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from portal.areas.selectors import area_get
from portal.core.errors import InvalidInput

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


class AgencyFilters(Schema):
    area: str = ""
    service: str = ""


@router.get("/services", response=list[ServiceOut])
def services(request):
    return [{"slug": s.slug, "name": s.name} for s in services_list()]


@router.get("/agencies", response=list[AgencyOut])
def agencies(request, filters: Query[AgencyFilters]):
    area = area_get(code=filters.area) if filters.area else None
    service = None
    if filters.service:
        service = Service.objects.filter(slug=filters.service).first()
        if service is None:
            msg = _("Unknown service: %(slug)s.") % {"slug": filters.service}
            raise InvalidInput(msg, errors={"service": [msg]})
    return [
        {"id": a.pk, "name": a.name, "area": a.area.code, "services": [s.slug for s in a.services.all()]}
        for a in agencies_list(area=area, service=service)
    ]
