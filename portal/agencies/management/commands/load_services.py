from django.core.management.base import BaseCommand

from portal.agencies.catalogue import services_sync


class Command(BaseCommand):
    help = "Create or update the service catalogue (idempotent)."

    def handle(self, *args, **options):
        created = services_sync()
        self.stdout.write(f"Service catalogue up to date ({created} new).")
