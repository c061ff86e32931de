"""Background work through django-tasks (settings.TASKS: the immediate backend runs it inline after commit; a
database or other backend with its worker moves it out of the request)."""

from django_tasks import task


@task()
def send_notification_emails(*, notification_ids: list[int]) -> int:
    from .emails import send_immediate

    return send_immediate(notification_ids=notification_ids)
