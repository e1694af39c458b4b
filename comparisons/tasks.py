"""Celery tasks of comparisons: thin, calling the services."""

from celery import shared_task

from comparisons.services import picks_record


@shared_task(soft_time_limit=50, time_limit=60)
def record_picks() -> int:
    """Record every pick that changed since the last run (votes and reviews move picks)."""
    return picks_record()
