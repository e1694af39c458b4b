"""Sending alert emails: every AlertDelivery once, whatever crashes.

They go out through the newsletter's machinery (``newsletter.sending.Sender``, whose
docstring says what it promises): chunks claimed with SKIP LOCKED and leased, each row's
lease renewed before its message and the row marked sent as soon as the server has answered
250, so only the message in flight when a sender dies can go out twice (with the same
Message-ID); the server or the database failing is waited out within the run, and only the
row in flight goes back. A dead sender's rows come due again when their lease runs out, and
the collection, every ALERT_COLLECT_INTERVAL, queues a sender whenever rows are due.

The alerts an email carries are read when it is sent: one switched off since (an
unsubscribe) is gone from it, and an email left with nothing to say is skipped.
"""

from newsletter.sending import Chunk, Run, Sender, chunk_claim
from watchlists.emails import alerts_message
from watchlists.models import AlertDelivery


class AlertSender(Sender):
    label = "Alerts"

    def claim(self) -> Chunk:
        return deliveries_claim()

    def message(self, delivery: AlertDelivery):
        alerts = list(delivery.alerts.order_by("at", "pk"))
        return alerts_message(delivery=delivery, alerts=alerts) if alerts else None


def deliveries_claim(*, size: int | None = None) -> Chunk:
    """Lease up to ``size`` due rows that no other sender holds."""
    return chunk_claim(AlertDelivery.objects.due(), related="follower__member", size=size)


def alerts_deliver() -> Run:
    """Send chunks until none is due or NEWSLETTER_TASK_BUDGET is spent."""
    return AlertSender().deliver()
