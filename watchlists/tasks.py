"""Celery tasks of the watchlists: thin, calling the collection and the sender; safe to run
twice or at once. ``send_alerts`` acks late and goes back to the broker if its worker
process dies; the rows it held come due again when their lease runs out."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import mailers
from kombu.exceptions import OperationalError as BrokerError

from newsletter.tasks import ONE_EMAIL, send_retrying
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
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SEND_SOFT_LIMIT,
    time_limit=SEND_SOFT_LIMIT + 60,
)
def send_alerts() -> None:
    """Send alert emails until none is due or the run's budget is spent (failures of the
    SMTP server or the database are waited out inside the run, as for editions)."""
    run = alerts_deliver()
    if run.again_in is None:
        return
    try:
        send_alerts.apply_async(countdown=run.again_in)
    except BrokerError as error:
        log.warning("Alerts: the next run was not queued (%s); the collection will", error)


@shared_task(**ONE_EMAIL, max_retries=5)
def send_follow_confirmation(self, follow_id: int) -> None:
    send_retrying(
        self,
        follow_confirmation_send,
        what=f"Confirmation for follow {follow_id}",
        follow_id=follow_id,
    )


def follow_confirmation_send(*, follow_id: int) -> None:
    """Email the link that confirms a follow by email, if it still awaits one."""
    follow = Follow.objects.select_related("follower").filter(pk=follow_id).first()
    if follow is not None and follow.confirmed_at is None:
        mailers.default.send_messages([confirmation_message(follow=follow)])
