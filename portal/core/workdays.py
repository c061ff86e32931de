"""Working days: Monday to Friday in WITA (Asia/Makassar), minus Indonesian public holidays.

One place for the calendar (a platform service), so referral deadlines, sweep_overdue, action items, reminders
and the dashboard's indicators agree."""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WITA = ZoneInfo("Asia/Makassar")


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Indonesia(years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in WITA of an aware datetime."""
    return moment.astimezone(WITA).date()


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself does not count)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a WITA day: deadlines run to the end of their day."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=WITA)


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=WITA)


def response_deadline(sent_at: dt.datetime, *, working_days: int) -> dt.datetime:
    """The end of the `working_days`-th working day after the day the referral was sent."""
    return end_of_day(add_working_days(local_date(sent_at), working_days))


def days_overdue(due_at: dt.datetime, now: dt.datetime) -> int:
    """Calendar days past a deadline, as people count them ("overdue by 5 days"): 0 when not past, at least 1
    once past. The deadline itself is counted in working days (response_deadline)."""
    if now <= due_at:
        return 0
    return max(1, (local_date(now) - local_date(due_at)).days)
