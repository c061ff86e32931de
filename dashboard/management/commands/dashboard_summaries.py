"""Refresh the dashboard's summaries: the days that writes marked stale (run it from cron every few
minutes, so that readers rarely pay for the refresh), or all of them with --rebuild (after bulk loads that
bypass the models: imports with update()/bulk_create(), restores)."""

from django.core.management.base import BaseCommand

from dashboard.summaries import summaries_rebuild, summaries_refresh


class Command(BaseCommand):
    help = "Refresh the dashboard summaries (stale days), or rebuild them all with --rebuild."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild every month from the source tables."
        )

    def handle(self, *args, rebuild=False, **options):
        n = summaries_rebuild() if rebuild else summaries_refresh()
        self.stdout.write(f"{n} {'month' if rebuild else 'day'}(s) rebuilt")
