from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from portal.core.errors import InvalidInput
from portal.core.pagination import paginate

from .models import Area, Level, parent_code
from .selectors import area_ancestors, area_get, area_search

router = Router(tags=["areas"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


class AncestorOut(Schema):
    code: str
    name: str
    level: str


class AreaDetailOut(AreaOut):
    ancestors: list[AncestorOut]
    children_count: int


class AreaList(Schema):
    count: int
    results: list[AreaOut]


class AreaFilters(Schema):
    q: str = ""
    level: str = ""
    parent: str = ""
    page: int = 1
    page_size: int = 20


def area_out(area: Area) -> dict:
    return {"code": area.code, "name": area.name, "level": area.level, "parent": parent_code(area.code)}


@router.get("/areas", response=AreaList, auth=None)
def areas_list(request, filters: Query[AreaFilters]):
    if filters.level and filters.level not in Level.values:
        msg = _("level must be one of: %(levels)s.") % {"levels": ", ".join(Level.values)}
        raise InvalidInput(msg, errors={"level": [msg]})
    qs = area_search(q=filters.q, level=filters.level, parent=filters.parent).select_related(None)
    return paginate(qs, page=filters.page, page_size=filters.page_size, serialize=area_out)


@router.get("/areas/{code}", response=AreaDetailOut, auth=None)
def areas_detail(request, code: str):
    area = area_get(code=code)
    return {
        **area_out(area),
        "ancestors": [{"code": a.code, "name": a.name, "level": a.level} for a in area_ancestors(area=area)],
        "children_count": area.children.count(),
    }
