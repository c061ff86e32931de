from django.core.management.base import BaseCommand

from portal.core.idempotency import purge


class Command(BaseCommand):
    help = "Delete the one-time keys (Idempotency-Key, form tokens) older than 24 hours and their answers."

    def handle(self, *args, **options):
        deleted = purge()
        if options["verbosity"]:
            self.stdout.write(f"{deleted} idempotency record(s) deleted.")
