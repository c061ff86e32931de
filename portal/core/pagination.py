from django.utils.translation import gettext as _
from ninja import Schema

from portal.core.errors import InvalidInput

MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = 1
    page_size: int = 20


def paginate(queryset, *, page: int = 1, page_size: int = 20, serialize=None) -> dict:
    """API.md lists: {"count", "results"}. One COUNT and one page query."""
    if page < 1:
        raise InvalidInput(_("page must be 1 or more."), errors={"page": [_("page must be 1 or more.")]})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        msg = _("page_size must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}
        raise InvalidInput(msg, errors={"page_size": [msg]})
    count = queryset.count()
    start = (page - 1) * page_size
    items = list(queryset[start : start + page_size])
    return {"count": count, "results": [serialize(i) for i in items] if serialize else items}
