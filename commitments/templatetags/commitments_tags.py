from django import template
from django.utils.html import format_html

from .. import classification
from ..models import FundSource
from ..money import format_idr, format_rate

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """12500000 -> 'Rp 12.500.000' (integer rupiah; '–' for none), kept on one line."""
    return format_html('<span class="idr">{}</span>', format_idr(value))


@register.filter
def permille(value) -> str:
    """812 -> '81,2%'."""
    return format_rate(value)


@register.filter
def source_label(value) -> str:
    try:
        return FundSource(value).label
    except ValueError:
        return value


@register.filter
def field_label(code) -> str:
    return classification.label(code)


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def isodate(value):
    """'2017-01-18' -> 18 Jan 2017 (the site's date format)."""
    import datetime as dt

    from django.utils.formats import date_format

    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return value
