"""Values no row can hold never reach the database, whichever form or filter built the query (issue 18.1):

- Django (5.0+) already turns an out-of-range integer in `exact`, `gt`, `lt` … into "no row"; `in` is not
  covered, and Wagtail's and Django's choice fields query `pk__in` with what a request sent
  (`?user=-9223372036854775809` made SQLite raise OverflowError and PostgreSQL "out of range"). `in` here drops
  the values outside the column's range first (nothing can match them).
- A date-time at the very edge of the calendar (0001-01-01 00:00 in WITA) cannot be converted to UTC:
  comparisons clamp it to the first or last representable moment, which is what the comparison meant.

Registered on the field classes in portal.core.apps (CoreConfig.ready)."""

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db.models import DateTimeField, ForeignObject, IntegerField, lookups
from django.db.models.fields.related_lookups import RelatedIn


def _range(lookup, connection):
    field = lookup.lhs.output_field
    target = getattr(field, "target_field", None) or field
    try:
        return connection.ops.integer_field_range(target.get_internal_type())
    except KeyError:  # not an integer column
        return None, None


def _in_range(value, low, high) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    return (low is None or value >= low) and (high is None or value <= high)


class _DropOutOfRange:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = _range(self, connection)
            kept = [v for v in self.rhs if _in_range(v, low, high)]
            if not kept and self.rhs:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


class IntegerIn(_DropOutOfRange, lookups.In):
    pass


class RelatedIntegerIn(_DropOutOfRange, RelatedIn):
    pass


_EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _clamp(value):
    if isinstance(value, dt.datetime):
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            return _EARLIEST if value.year < 5000 else _LATEST
    return value


class _ClampDateTime:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            if isinstance(self.rhs, list | tuple):
                self.rhs = type(self.rhs)(_clamp(v) for v in self.rhs)
            else:
                self.rhs = _clamp(self.rhs)
        return super().process_rhs(compiler, connection)


def _clamped(base):
    return type(f"Clamped{base.__name__}", (_ClampDateTime, base), {})


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
    for base in (
        lookups.Exact,
        lookups.GreaterThan,
        lookups.GreaterThanOrEqual,
        lookups.LessThan,
        lookups.LessThanOrEqual,
        lookups.Range,
    ):
        DateTimeField.register_lookup(_clamped(base))
