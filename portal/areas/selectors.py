import re

from django.db.models import Q, QuerySet

from portal.core.errors import NotFound

from .models import Area, Level, ancestor_codes

_CODE = re.compile(r"[0-9][0-9.]{0,31}")


def area_get(*, code: str) -> Area:
    """The area with this Kemendagri code; NotFound for none, and for text that cannot be a code (only digits and
    dots, at most 32: a NUL byte or a megabyte of text never reaches the database)."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise NotFound(_not_found_message(str(code)[:40]))
    try:
        return Area.objects.get(code=code)
    except Area.DoesNotExist:
        raise NotFound(_not_found_message(code)) from None


def _not_found_message(code):
    from django.utils.translation import gettext

    return gettext("No area has the code %(code)s.") % {"code": code}


def area_ancestors(*, area: Area) -> list[Area]:
    """The area's ancestors from the province down: one query."""
    codes = ancestor_codes(area.code)
    if not codes:
        return []
    by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def area_descendants(*, area: Area, include_self: bool = False) -> QuerySet[Area]:
    """Every area below this one: one indexed range query."""
    low, high = area.descendant_range()
    q = Q(code__gt=low, code__lt=high)
    if include_self:
        q |= Q(pk=area.pk)
    return Area.objects.filter(q)


def areas_within_q(codes, *, field: str = "code") -> Q:
    """A Q matching rows whose area code (`field`) is one of `codes` or lies below one of them."""
    q = Q()
    for code in set(codes):
        q |= Q(**{field: code}) | Q(**{f"{field}__gt": code + ".", f"{field}__lt": code + "/"})
    return q if q else Q(pk__in=[])


def area_search(
    *, q: str = "", level: str = "", parent: str = "", limit: int | None = None
) -> QuerySet[Area]:
    qs = Area.objects.all()
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    q = (q or "").strip()
    if q:
        if q[0].isdigit():
            qs = qs.filter(code__startswith=q)
        else:
            qs = qs.filter(name__icontains=q)
    qs = qs.select_related("parent").order_by("code")
    return qs[:limit] if limit else qs


def area_children(*, area: Area | None) -> QuerySet[Area]:
    if area is None:
        return Area.objects.filter(level=Level.PROVINCE).order_by("code")
    return Area.objects.filter(parent=area).order_by("code")
