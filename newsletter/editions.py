"""Editions in the database: composing one, writing its deliveries, moving its status.

Nothing here queues a task: ``newsletter.services`` (for editors) and
``newsletter.tasks`` (for beat) start the senders once what is here has committed.
"""

import datetime as dt
from itertools import batched, count

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from comparisons.models import Comparison
from comparisons.moved import week_moved
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.snapshots import edition_items, moved_lines, snapshot_dump


class EditionStateError(Exception):
    """The edition is not in a state that allows this."""


class RecipientsChanged(EditionStateError):
    """The list is not the size the editor was shown when they confirmed."""

    def __init__(self, *, shown: int, now: int):
        self.shown, self.now = shown, now
        super().__init__(
            f"The list changed while you were looking: {now} active subscriber(s) now, "
            f"{shown} when you were shown it. Nothing was sent; check and confirm again."
        )


def edition_key(moment: dt.datetime) -> str:
    """The weekly edition's key: its ISO week, "2026-w48". Composing finds it taken if the
    week's edition exists, which is what makes composing a week twice a no-op."""
    year, week, _ = moment.isocalendar()
    return f"{year}-w{week:02d}"


def edition_key_free(moment: dt.datetime) -> str:
    """The first key of ``moment``'s week no edition has: "2026-w48", then "2026-w48-2",
    "2026-w48-3" … for more editions in one week."""
    week = edition_key(moment)
    taken = set(Edition.objects.filter(key__startswith=week).values_list("key", flat=True))
    if week not in taken:
        return week
    return next(key for n in count(2) if (key := f"{week}-{n}") not in taken)


def edition_compose(*, now: dt.datetime | None = None) -> Edition | None:
    """This week's edition of the comparisons published since the last one, begun.

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
        return edition_begin(edition=edition)


def _subject(comparisons: list[Comparison]) -> str:
    """ "This week on Verdicts: A vs B, and 2 more", the title shortened to fit the field."""
    more = len(comparisons) - 1
    head, tail = "This week on Verdicts: ", f", and {more} more" if more else ""
    room = Edition._meta.get_field("subject").max_length - len(head) - len(tail)
    return f"{head}{Truncator(comparisons[0].title).chars(room)}{tail}"


def edition_begin(*, edition: Edition, recipients: int | None = None) -> Edition:
    """Ready a draft edition for every active subscriber: what it says frozen, a Delivery
    row each, and the status "sending". The senders are started once this commits.

    ``recipients`` is how many active subscribers the editor was shown; if the rows
    written are not that many, nothing is kept and RecipientsChanged says how many now.
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != Edition.Status.DRAFT:
            raise EditionStateError("Only a draft edition can be sent.")
        comparisons = edition.comparisons.published().with_tools().newest_first()
        now = timezone.now()
        moved = moved_lines(week_moved(end=now))
        edition.snapshot = snapshot_dump(edition_items(comparisons), taken_at=now, moved=moved)
        subscribers = Subscriber.objects.active().order_by("pk").values_list("pk", flat=True)
        for batch in batched(subscribers.iterator(chunk_size=2000), 2000):
            Delivery.objects.bulk_create(
                [Delivery(edition=edition, subscriber_id=pk) for pk in batch],
                ignore_conflicts=True,
            )
        if recipients is not None and (written := edition.deliveries.count()) != recipients:
            raise RecipientsChanged(shown=recipients, now=written)
        edition.status = Edition.Status.SENDING
        edition.started_at = now
        edition.save(update_fields=["status", "started_at", "snapshot"])
    return edition


def edition_move(*, edition: Edition, source: str, target: str) -> Edition:
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != source:
            raise EditionStateError(f"Only a {source} edition can be {target}.")
        edition.status = target
        edition.save(update_fields=["status"])
    return edition
