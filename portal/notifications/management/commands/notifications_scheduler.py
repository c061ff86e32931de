"""The schedule beside the task worker: every 30 s the delivery sweep (retries whose backoff ran out, deliveries
held back by quiet hours, deliveries whose task was lost), every 5 minutes the unread reminders, once a day at
17:00 WITA the digest, and the management commands of settings.PELITA_PERIODIC_COMMANDS (sweep_overdue ...) at
their interval. Each run is idempotent, so two schedulers, or a restart, never send anything twice."""

import datetime as dt
import logging
import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger("pelita.notifications")
DIGEST_AT = dt.time(17, 0)


class Command(BaseCommand):
    help = "Run the notification sweeps, reminders, the daily digest and other periodic commands (a loop)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")

    def handle(self, *args, once=False, **options):
        from django.utils import timezone

        from portal.core.workdays import WITA
        from portal.notifications.delivery import run_deliveries
        from portal.notifications.emails import send_digests, send_unread_reminders

        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        jobs = {
            "deliveries": (30, lambda: run_deliveries(limit=500)),
            "reminders": (300, send_unread_reminders),
        }
        for name, every in getattr(settings, "PELITA_PERIODIC_COMMANDS", {}).items():
            jobs[name] = (every, lambda name=name: call_command(name))
        last: dict[str, float] = {}
        digest_day = None
        while not stop:
            now = time.monotonic()
            for name, (every, run) in jobs.items():
                if once or now - last.get(name, -1e9) >= every:
                    last[name] = now
                    try:
                        run()
                    except Exception:
                        logger.exception("Periodic job %s failed; it runs again at its next turn", name)
            local = timezone.now().astimezone(WITA)
            if once or (local.time() >= DIGEST_AT and digest_day != local.date()):
                digest_day = local.date()
                try:
                    send_digests()
                except Exception:
                    logger.exception("The daily digest failed; it runs again tomorrow (nothing is lost)")
            if once:
                return
            time.sleep(1)
