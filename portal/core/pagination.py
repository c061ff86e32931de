"""Lists in the API (API.md): `?page=N&page_size=M` (M ≤ 100) → `{"count", "results"}`. A page beyond any
possible result (an offset past MAX_OFFSET rows) or a page size out of range is 422 naming the parameter."""

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

MAX_PAGE_SIZE = 100
# No list in Pelita comes near ten million rows for one caller; an offset past it is a mistake or an attack
# (and past 64 bits a database error), never a page anyone can read.
MAX_OFFSET = 10_000_000


class PageParams(Schema):
    page: int = Field(1, description="The page to return, from 1.")
    page_size: int = Field(20, description=f"Items per page, 1 to {MAX_PAGE_SIZE}.")


def _invalid(field: str, msg: str):
    from portal.core.errors import InvalidInput

    return InvalidInput(msg, errors={field: [msg]})


def check_page(*, page: int, page_size: int) -> int:
    """The offset of the page's first item. Raises InvalidInput naming `page` or `page_size`."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise _invalid("page_size", _("page_size must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE})
    if page < 1:
        raise _invalid("page", _("page must be 1 or more."))
    if (page - 1) * page_size > MAX_OFFSET:
        raise _invalid("page", _("page is beyond any possible result."))
    return (page - 1) * page_size


def paginate(queryset, *, page: int = 1, page_size: int = 20, serialize=None) -> dict:
    """API.md lists: {"count", "results"}. One COUNT and one page query. `queryset` may be a list."""
    start = check_page(page=page, page_size=page_size)
    count = queryset.count() if not isinstance(queryset, list) else len(queryset)
    items = list(queryset[start : start + page_size])
    return {"count": count, "results": [serialize(i) for i in items] if serialize else items}
