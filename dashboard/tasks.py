"""The dashboard's background work (django-tasks, settings.TASKS: the database queue and `manage.py db_worker` in
production, inline after commit in development and the tests)."""

from django_tasks import task


@task()
def refresh_summaries() -> int:
    """Bring the summaries up to the committed writes (the days they marked stale): enqueued after the commit of
    every transaction that marked one (summaries.refresh_after_commit). Waits for a refresh already running,
    then finds what it left, so no stale day waits for the next sweep."""
    from .summaries import summaries_refresh

    return summaries_refresh(wait=True)
