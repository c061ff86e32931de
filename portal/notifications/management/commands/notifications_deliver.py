from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Send every notification delivery that is due (retries, quiet hours ended, lost tasks). Idempotent."
    )

    def handle(self, *args, **options):
        from portal.notifications.delivery import run_deliveries

        counts = run_deliveries()
        self.stdout.write(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due")
