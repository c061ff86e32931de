"""Working time for the "still unread" reminder: 08:00-16:00 WITA on working days (portal.core.workdays), so a
notice that arrives on Friday evening is reminded on Monday morning, not on Saturday."""

import datetime as dt

from portal.core.workdays import WITA, is_working_day

DAY_START = dt.time(8, 0)
DAY_END = dt.time(16, 0)


def working_minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working minutes between two aware datetimes (0 when end <= start)."""
    if end <= start:
        return 0
    start, end = start.astimezone(WITA), end.astimezone(WITA)
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            opens = dt.datetime.combine(day, DAY_START, tzinfo=WITA)
            closes = dt.datetime.combine(day, DAY_END, tzinfo=WITA)
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)
