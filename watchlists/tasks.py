"""Celery tasks of the watchlists: thin, calling the collection and the sender; safe to run
twice or at once. ``send_alerts`` acks late and goes back to the broker if its worker
process dies; the rows it held come due again when their lease runs out."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import mailers

from newsletter.sending import backoff, smtp_failure
from watchlists.collect import alerts_collect, digests_gather
from watchlists.emails import confirmation_message
from watchlists.models import AlertDelivery, Follow
from watchlists.sending import alerts_deliver

log = logging.getLogger(__name__)

SEND_SOFT_LIMIT = settings.NEWSLETTER_TASK_BUDGET + settings.NEWSLETTER_CLAIM_LEASE


def senders_queue_if_due() -> bool:
    if AlertDelivery.objects.due().exists():
        send_alerts.delay()
        return True
    return False


@shared_task(soft_time_limit=50, time_limit=60)
def collect_alerts() -> int:
    """Every ALERT_COLLECT_INTERVAL: new changes to alerts, "at once" ones to emails, and a
    sender for whatever is due (a dead sender's rows included, once their lease is over)."""
    created = alerts_collect()
    senders_queue_if_due()
    return len(created)


@shared_task(soft_time_limit=50, time_limit=60)
def send_digests(frequency: str) -> int:
    created = digests_gather(frequency=frequency)
    senders_queue_if_due()
    return len(created)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=10,
    soft_time_limit=SEND_SOFT_LIMIT,
    time_limit=SEND_SOFT_LIMIT + 60,
)
def send_alerts(self) -> None:
    run = alerts_deliver()
    if run.error is not None:
        raise self.retry(exc=run.error, countdown=backoff(self.request.retries + 1))
    if run.again_in is not None:
        send_alerts.apply_async(countdown=run.again_in)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=30,
    time_limit=60,
    max_retries=5,
)
def send_follow_confirmation(self, follow_id: int) -> None:
    follow = Follow.objects.select_related("follower").filter(pk=follow_id).first()
    if follow is None or follow.confirmed_at is not None:
        return
    try:
        mailers.default.send_messages([confirmation_message(follow=follow)])
    except (smtplib.SMTPException, OSError) as exc:
        failure = smtp_failure(exc)
        if failure.permanent:
            log.error("Follow confirmation %s refused for good: %s", follow_id, failure.error)
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries + 1)) from exc
