"""Raise every referral past its response deadline or completion target, once (API.md)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from referrals.services import referrals_sweep_overdue


class Command(BaseCommand):
    help = (
        "Mark referrals whose deadline has passed as overdue and notify the kecamatan forum's facilitators."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: now)")

    def handle(self, *args, as_of=None, **options):
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError("--as-of must be a date as YYYY-MM-DD") from exc
        raised = referrals_sweep_overdue(as_of=day)
        self.stdout.write(
            f"Raised {raised['response']} referral(s) past their response deadline and "
            f"{raised['completion']} past their completion target."
        )
