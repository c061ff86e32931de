"""Background work through django-tasks (settings.TASKS: the immediate backend runs it inline after commit, for
`make run` and the tests; production uses the database backend, django_tasks_db, run by `manage.py db_worker`
beside the web workers). The tasks only wake the work up: the delivery rows are the queue, so a lost task or a
killed worker loses nothing (portal.notifications.delivery)."""

from django_tasks import task


@task()
def deliver_notifications(*, delivery_ids: list[int]) -> dict:
    from .delivery import run_deliveries

    return run_deliveries(ids=delivery_ids)


@task()
def deliver_due() -> dict:
    """The sweep: every delivery that is due (a retry, a lost task, the end of quiet hours)."""
    from .delivery import run_deliveries

    return run_deliveries()


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """Kept for tasks enqueued before the deliveries existed."""
    from .emails import send_immediate

    return send_immediate(notification_ids=notification_ids)


@task()
def send_reminders() -> int:
    from .emails import send_unread_reminders

    return send_unread_reminders()


@task()
def send_digests() -> int:
    from .emails import send_digests as run

    return run()
