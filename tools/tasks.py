"""Celery tasks of the catalogue: thin, calling the services."""

from celery import shared_task

from tools.services import verdict_days_record


@shared_task(soft_time_limit=120, time_limit=180)
def record_verdict_days() -> int:
    """Today's point on every tool's timeline (run hourly, so the day ends on its last)."""
    return verdict_days_record()
