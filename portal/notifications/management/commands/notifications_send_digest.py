from django.core.management.base import BaseCommand

from portal.notifications.emails import send_digests


class Command(BaseCommand):
    help = (
        "Send each person who chose the daily digest one e-mail with the notifications not yet e-mailed. "
        "Run once a day from cron (e.g. 07:00 WITA). Idempotent: what was sent is not sent again."
    )

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} digest e-mail(s) sent.")
