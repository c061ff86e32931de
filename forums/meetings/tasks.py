"""Background work of meetings: the daily action item sweep (reminders before the due date, the overdue raise).

Today it runs as `manage.py sweep_action_items [--as-of YYYY-MM-DD]` (cron, once a day after 00:00 WITA; running
it more often is harmless: it is idempotent). The hook for the background worker (django-tasks, issue 13):
when the worker lands, decorate `sweep_action_items` with its `@task()` and schedule it daily next to the
referrals' `sweep_overdue`; nothing else changes, the command keeps calling the same function."""

import datetime as dt

from .services import action_items_sweep


def sweep_action_items(*, as_of: dt.date | None = None) -> dict:
    """The task entry point: {"reminded": int, "raised": int} (see services.action_items_sweep)."""
    return action_items_sweep(as_of=as_of)
