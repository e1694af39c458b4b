"""Writes with side effects: the list (subscribe, confirm, unsubscribe) and editions.

Sending itself, the crash-safe part, lives in ``newsletter/sending.py``.
"""

import datetime as dt
import logging
import uuid
from functools import partial
from itertools import batched

from django.conf import settings
from django.core import signing
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from newsletter import links
from newsletter.emails import confirmation_message
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.tasks import send_confirmation, send_edition, send_edition_test
from verdicts.models import Comparison

log = logging.getLogger(__name__)


class InvalidConfirmation(Exception):
    """The confirmation link was tampered with, has expired, or names nobody."""


class EditionStateError(Exception):
    """The edition is not in a state that allows this."""


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


def subscriber_send_confirmation(*, subscriber_id: int) -> bool:
    """Email the confirmation link, if the address still awaits one. True if sent."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return False
    mailers.default.send_messages([confirmation_message(subscriber=subscriber)])
    return True


def edition_key(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-w{week:02d}"


def edition_compose(*, now: dt.datetime | None = None) -> Edition | None:
    """This week's edition of the comparisons published since the last one, and send it.

    Nothing new, no edition. Composing the same week twice, even at the same
    moment in two workers, finds the key taken and returns None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        last = Edition.objects.order_by("-covers_until").first()
        since = (
            last.covers_until
            if last
            else now - dt.timedelta(days=settings.NEWSLETTER_FIRST_EDITION_DAYS)
        )
        comparisons = list(
            Comparison.objects.published()
            .filter(published_at__gt=since, published_at__lte=now, editions__isnull=True)
            .with_tools()
            .newest_first()
        )
        if not comparisons:
            return None
        try:
            with transaction.atomic():
                edition = Edition.objects.create(
                    key=edition_key(now),
                    subject=_subject(comparisons),
                    covers_until=now,
                )
        except IntegrityError:
            return None
        edition.comparisons.set(comparisons)
        return edition_start(edition=edition)


def _subject(comparisons: list[Comparison]) -> str:
    first = comparisons[0].title
    more = len(comparisons) - 1
    if more == 0:
        return f"This week on Verdicts: {first}"
    return f"This week on Verdicts: {first}, and {more} more"


def edition_start(*, edition: Edition) -> Edition:
    """Send a draft edition to every active subscriber.

    The Delivery rows are written first, in this transaction, and the sending
    task is queued only once they are committed.
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != Edition.Status.DRAFT:
            raise EditionStateError("Only a draft edition can be sent.")
        subscribers = Subscriber.objects.active().order_by("pk").values_list("pk", flat=True)
        for batch in batched(subscribers.iterator(chunk_size=2000), 2000, strict=False):
            Delivery.objects.bulk_create(
                [Delivery(edition=edition, subscriber_id=pk) for pk in batch],
                ignore_conflicts=True,
            )
        edition.status = Edition.Status.SENDING
        edition.started_at = timezone.now()
        edition.save(update_fields=["status", "started_at"])
        _senders_queue(edition)
    return edition


def edition_pause(*, edition: Edition) -> Edition:
    """Stop sending after the chunk under way; nothing already claimed is lost."""
    return _edition_move(edition, Edition.Status.SENDING, Edition.Status.PAUSED)


def edition_resume(*, edition: Edition) -> Edition:
    with transaction.atomic():
        edition = _edition_move(edition, Edition.Status.PAUSED, Edition.Status.SENDING)
        _senders_queue(edition)
    return edition


def _senders_queue(edition: Edition) -> None:
    """Queue the senders once the transaction commits; each claims its own chunks (SKIP
    LOCKED), so NEWSLETTER_SENDERS workers share an edition without sharing a message."""
    for _ in range(settings.NEWSLETTER_SENDERS):
        send_edition.delay_on_commit(edition.pk)


def _edition_move(edition: Edition, source: str, target: str) -> Edition:
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != source:
            raise EditionStateError(f"Only a {source} edition can be {target}.")
        edition.status = target
        edition.save(update_fields=["status"])
    return edition


def edition_send_test(*, edition: Edition, email: str) -> None:
    """A copy of the edition to ``email`` (an editor), marked as a test."""
    with transaction.atomic():
        send_edition_test.delay_on_commit(edition.pk, email)
