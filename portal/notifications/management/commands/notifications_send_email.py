from django.core.management.base import BaseCommand

from portal.notifications.emails import send_immediate, send_unread_reminders


class Command(BaseCommand):
    help = (
        "E-mail the notifications still unread after each person's chosen delay, and retry the 'e-mail at "
        "once' notifications that could not be sent. Run every 5 minutes from cron. Idempotent."
    )

    def handle(self, *args, **options):
        retried = send_immediate()
        reminders = send_unread_reminders()
        self.stdout.write(f"{reminders} reminder e-mail(s), {retried} retried e-mail(s) sent.")
