"""Commit → delivery through the channels, against the local fakes (tests/notifications/fake_providers.py), and
the cost of the action that notifies (issue 13).

    DATABASE_URL=postgres://…/pelita_x .venv/bin/python bench/notify_channels.py [--people 1000] [--devices 500]

Creates a throw-away test database (Django's test runner machinery), so it never touches real data. Measures:
1. notify() inside the action's transaction, at 1 and N recipients (each with a verified phone: SMS + WhatsApp)
   with the database task backend (enqueue = one INSERT), p50/p99 over repeated runs;
2. commit → every delivery sent by one worker run (run_deliveries, one thread, then N threads) against the fake
   SMS gateway and WhatsApp;
3. the action's p99 (one recipient) with and without M push-subscribed devices of other people in the table.
Prints a Markdown table for docs/PERFORMANCE.md."""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--latency-ms", type=float, default=0, help="the fakes' answer delay (a provider's RTT)"
    )
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks import task_backends

    task_backends.__dict__.pop("settings", None)  # re-read TASKS
    task_backends._settings = None
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from portal.notifications.channels import reset_channels
        from portal.notifications.delivery import run_deliveries
        from portal.notifications.models import ContactPoint, PushSubscription
        from portal.notifications.services import notify
        from tests.factories import make_user
        from tests.notifications import fake_providers as fp

        latency = args.latency_ms / 1000
        with fp.fake_sms_gateway(latency) as sms, fp.fake_whatsapp(latency) as wa:
            settings.PELITA_NOTIFY_CHANNELS = {
                "sms": {
                    "BACKEND": "portal.notifications.channels.phone.SMSGatewayChannel",
                    "OPTIONS": {"url": sms.url, "username": "pelita", "password": "secret"},
                },
                "whatsapp": {
                    "BACKEND": "portal.notifications.channels.phone.WhatsAppCloudChannel",
                    "OPTIONS": {"url": wa.url, "phone_number_id": "1234567890", "token": "wa-token"},
                },
            }
            reset_channels()
            people = [make_user(f"bench{i}", is_superuser=True) for i in range(args.people)]
            now = timezone.now()
            ContactPoint.objects.bulk_create(
                [
                    ContactPoint(user=u, channel="phone", address=f"+62812{u.pk:08d}", verified_at=now)
                    for u in people
                ]
            )
            from portal.notifications.models import NotificationSettings

            midnight = timezone.datetime.min.time()
            NotificationSettings.objects.bulk_create(
                [NotificationSettings(user=u, quiet_start=midnight, quiet_end=midnight) for u in people]
            )
            params = {"case": "APM-5202-00042", "service": "Akta kelahiran", "agency": "Dukcapil"}
            rows = []
            cases = [("1 recipient", people[:1], 1), (f"{args.people} recipients", people, 1)]
            cases.append((f"{args.people} recipients, {args.concurrency} threads", people, args.concurrency))
            for label, recipients, threads in cases:
                actions, deliveries = [], []
                for _ in range(max(3, args.repeat // (10 if len(recipients) > 1 else 1))):
                    start = time.perf_counter()
                    with transaction.atomic():
                        notify(recipients=recipients, kind="referral.sent", params=params)
                    committed = time.perf_counter()
                    actions.append(committed - start)
                    run_deliveries(now=timezone.now() + timezone.timedelta(minutes=1), concurrency=threads)
                    deliveries.append(time.perf_counter() - committed)
                rows.append(
                    (label, pct(actions, 50), pct(actions, 99), pct(deliveries, 50), pct(deliveries, 99))
                )
            print("| event | action p50 ms | action p99 ms | commit → all sent p50 ms | p99 ms |")
            print("|---|---|---|---|---|")
            for r in rows:
                print(f"| {r[0]} | {r[1]:.1f} | {r[2]:.1f} | {r[3]:.1f} | {r[4]:.1f} |")
            # The action with and without M subscribed devices (other people's) in the table
            one = people[:1]
            settings.PELITA_NOTIFY_CHANNELS["push"] = {
                "BACKEND": "portal.notifications.channels.push.WebPushChannel",
                "OPTIONS": {"vapid_private_key": "x"},
            }
            reset_channels()

            def action_times():
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    with transaction.atomic():
                        notify(recipients=one, kind="referral.message", params=params)
                    times.append(time.perf_counter() - start)
                return times

            devices = [
                PushSubscription(
                    user=people[1 + i % (len(people) - 1)] if len(people) > 1 else people[0],
                    endpoint=f"https://fcm.googleapis.com/fcm/send/bench-{i}",
                    p256dh="x",
                    auth="y",
                )
                for i in range(args.devices)
            ]
            # Rounds alternate without / with the devices, so that the machine's load falls on both alike.
            without, with_devices = [], []
            for _round in range(3):
                PushSubscription.objects.filter(endpoint__contains="/bench-").delete()
                without += action_times()
                PushSubscription.objects.bulk_create(
                    [
                        PushSubscription(user=d.user, endpoint=d.endpoint, p256dh="x", auth="y")
                        for d in devices
                    ]
                )
                with_devices += action_times()
            print(
                f"\naction (one recipient), {len(without)} each: without devices p50 {pct(without, 50):.1f} ms /"
                f" p99 {pct(without, 99):.1f} ms; with {args.devices} devices p50 {pct(with_devices, 50):.1f} ms"
                f" / p99 {pct(with_devices, 99):.1f} ms; ratio p50 {pct(with_devices, 50) / pct(without, 50):.2f},"
                f" p99 {pct(with_devices, 99) / pct(without, 99):.2f}"
            )
            print(f"fake SMS requests: {len(sms.requests)}, WhatsApp: {len(wa.requests)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
