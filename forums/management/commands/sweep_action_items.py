"""Remind the owners of action items due soon and raise overdue ones to the next tier's forum, once each."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from forums.meetings.tasks import sweep_action_items


class Command(BaseCommand):
    help = (
        "Remind owners of action items due within a few days, and raise every open action item past its due "
        "date to the facilitators of the next tier's forum (once each; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD, a WITA day (default: today)")

    def handle(self, *args, as_of=None, **options):
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError("--as-of must be a date as YYYY-MM-DD") from exc
        done = sweep_action_items(as_of=day)
        self.stdout.write(
            f"Reminded the owners of {done['reminded']} action item(s) due soon and raised "
            f"{done['raised']} overdue action item(s) to the next tier."
        )
