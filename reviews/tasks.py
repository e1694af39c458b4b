import logging

from celery import shared_task
from django.db import OperationalError

from reviews.services import community_recount, panel_recount

logger = logging.getLogger(__name__)


@shared_task(
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def recount_verdicts() -> dict[str, int]:
    """Recount every tool's panel and community counts from the rows, repairing any drift.

    The services keep the counts exact as reviews and votes change; this nightly pass
    (CELERY_BEAT_SCHEDULE) catches writes that went round them.
    """
    panel = panel_recount()
    repaired = community_recount()
    if repaired:
        logger.warning("Repaired the community counts of %d tool(s).", repaired)
    return {"panel_recounted": panel, "community_repaired": repaired}
