"""Refresh the dashboard's summaries: the days that writes marked stale, or all of them with --rebuild (after
bulk loads that bypass the models: imports with update()/bulk_create(), restores). The refresh task after each
write does the same; this is the sweep behind it (the notifications scheduler runs it every minute,
PELITA_PERIODIC_COMMANDS; or cron every five minutes without a scheduler), for a task that was lost."""

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
        if n or rebuild or options.get("verbosity", 1) > 1:  # quiet, every minute, when nothing was stale
            self.stdout.write(f"{n} {'month' if rebuild else 'day'}(s) rebuilt")
