"""The API's shared input and output rules (API.md), for every router:

- `GuardedParser`: the body the input guard (portal.core.inputguard) already parsed and checked, so no
  endpoint sees a NUL, a lone surrogate, a blank-only string or a 64-bit overflow;
- `Date`, `DateTime`, `Id`, `Text(max)`, `Line(max)`: the bounded types a schema uses for its fields — dates
  in the years 1900–2100, ids within 64 bits, text with a length limit and blank-only text counted as empty;
- `WitaRenderer`: every time in an answer carries the WITA offset (+08:00), whichever code made it.
"""

import datetime as dt
import json
from typing import Annotated

from django.utils import timezone
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator, BeforeValidator, Field

from . import text


class GuardedParser(Parser):
    def parse_body(self, request):
        data = getattr(request, "_pelita_json", None)
        if data is not None:
            return data
        return json.loads(request.body)


def _check_year(value):
    if value is not None and not text.year_ok(value):
        raise ValueError(text.year_message())
    return value


def _blank_to_empty(value):
    return text.clean_text(value) if isinstance(value, str) else value


# Dates and times a person can mean: the years 1900 to 2100 (API.md, additions of 2026-11-29).
Date = Annotated[dt.date, AfterValidator(_check_year)]
DateTime = Annotated[dt.datetime, AfterValidator(_check_year)]
# Database ids are 64-bit: anything else is invalid input (422), never a crash.
Id = Annotated[int, Field(ge=1, le=text.INT64_MAX)]
PositiveInt = Annotated[int, Field(ge=0, le=text.INT64_MAX)]


def _limit(max_length: int, service_checks: bool):
    # service_checks: the service enforces the limit itself, together with its other rules, so that every
    # field's error comes back at once; the document still says it (maxLength).
    if service_checks:
        return Field(json_schema_extra={"maxLength": max_length})
    return Field(max_length=max_length)


def Text(max_length: int = text.TEXT_MAX, *, service_checks: bool = False):  # noqa: N802 - a type factory
    """Free text (a message, a note) of at most `max_length` characters; blank-only text is ""."""
    return Annotated[str, BeforeValidator(_blank_to_empty), _limit(max_length, service_checks)]


def Line(max_length: int = 200, *, service_checks: bool = False):  # noqa: N802
    """One line (a name, a title, a code) of at most `max_length` characters; blank-only text is ""."""
    return Annotated[str, BeforeValidator(_blank_to_empty), _limit(max_length, service_checks)]


class WitaEncoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class WitaRenderer(JSONRenderer):
    """Times in WITA (settings.TIME_ZONE, Asia/Makassar, +08:00), the same rule as the pages."""

    encoder_class = WitaEncoder
