"""Writes with side effects: the list (subscribe, confirm, unsubscribe) and the editors'
commands for editions (send, pause, resume, test).

Sending itself, the crash-safe part, lives in ``newsletter/sending.py``; the database side
of editions in ``newsletter/editions.py``.
"""

import datetime as dt
import logging
import uuid
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError

from newsletter import links
from newsletter.editions import edition_begin, edition_move
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.tasks import send_confirmation, send_edition_test, senders_queue

log = logging.getLogger(__name__)


class InvalidConfirmation(Exception):
    """The confirmation link was tampered with, has expired, or names nobody."""


def subscriber_subscribe(*, email: str) -> Subscriber:
    """Put ``email`` on the list, pending until its owner confirms.

    Whatever the address's state, the caller learns nothing: an active address
    stays as it is, an unsubscribed one is pending again, and a confirmation
    email goes out at most once per NEWSLETTER_CONFIRM_INTERVAL per address.
    """
    email = email.strip()
    with transaction.atomic():
        # ON CONFLICT DO NOTHING, then lock: two requests for one address take turns.
        Subscriber.objects.bulk_create([Subscriber(email=email)], ignore_conflicts=True)
        subscriber = Subscriber.objects.select_for_update().with_email(email).get()
        if subscriber.status == Subscriber.Status.ACTIVE:
            return subscriber
        subscriber.status = Subscriber.Status.PENDING
        now = timezone.now()
        interval = dt.timedelta(seconds=settings.NEWSLETTER_CONFIRM_INTERVAL)
        last = subscriber.confirmation_sent_at
        if last is None or now - last >= interval:
            subscriber.confirmation_sent_at = now
            transaction.on_commit(
                partial(_confirmation_queue, subscriber.pk, queued_at=now, previous=last)
            )
        subscriber.save(update_fields=["status", "confirmation_sent_at"])
    return subscriber


def _confirmation_queue(subscriber_id: int, *, queued_at: dt.datetime, previous) -> None:
    """Queue the confirmation email; if the broker is down, forget that one was sent.

    The address stays on the list, pending, and the reader's answer is the usual one
    (so it still says nothing about the address). Putting back the previous time
    lets the reader's next try queue the email at once rather than in an hour.
    """
    try:
        send_confirmation.delay(subscriber_id)
    except OperationalError as error:
        log.warning("Confirmation for subscriber %s not queued: %s", subscriber_id, error)
        Subscriber.objects.filter(pk=subscriber_id, confirmation_sent_at=queued_at).update(
            confirmation_sent_at=previous
        )


def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the address a confirmation link names; confirming twice changes nothing.

    An address unsubscribed since the link was sent stays unsubscribed: the
    reader subscribes again to get a fresh link.
    """
    try:
        subscriber_token = links.confirmation_read(token)
    except (signing.BadSignature, ValueError):
        raise InvalidConfirmation from None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(token=subscriber_token).first()
        if subscriber is None:
            raise InvalidConfirmation
        if subscriber.status == Subscriber.Status.PENDING:
            subscriber.status = Subscriber.Status.ACTIVE
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


def subscriber_unsubscribe(*, token: uuid.UUID) -> Subscriber:
    """Take the address off the list at once, including the edition being sent now."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(token=token)
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
            subscriber.deliveries.filter(status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SKIPPED
            )
    return subscriber


def edition_start(*, edition: Edition, recipients: int | None = None) -> Edition:
    """Send a draft edition to every active subscriber (``recipients`` of them, when the
    editor was shown a count: RecipientsChanged if the list is another size now).

    The Delivery rows are written first, in this transaction, and the senders are
    queued only once they are committed.
    """
    with transaction.atomic():
        edition = edition_begin(edition=edition, recipients=recipients)
        senders_queue(edition.pk)
    return edition


def edition_pause(*, edition: Edition) -> Edition:
    """Stop sending after the chunk under way; nothing already claimed is lost."""
    return edition_move(
        edition=edition, source=Edition.Status.SENDING, target=Edition.Status.PAUSED
    )


def edition_resume(*, edition: Edition) -> Edition:
    with transaction.atomic():
        edition = edition_move(
            edition=edition, source=Edition.Status.PAUSED, target=Edition.Status.SENDING
        )
        senders_queue(edition.pk)
    return edition


class QueueDown(Exception):
    """The task queue did not take the task: nothing was queued."""


def edition_send_test(*, edition: Edition, email: str) -> None:
    """A copy of the edition to ``email`` (an editor), marked as a test; QueueDown if the
    broker does not answer, so the editor is told rather than promised a copy."""
    try:
        send_edition_test.delay(edition.pk, email)
    except KombuOperationalError as error:
        raise QueueDown(
            "The test copy could not be queued: the task queue is not answering. "
            "Try again in a minute."
        ) from error
