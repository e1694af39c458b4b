import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower, Now
from django.urls import reverse

from comparisons.models import Comparison
from core.addresses import validate_deliverable
from core.text import CleanText


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscriber.Status.ACTIVE)

    def with_email(self, email: str):
        """The address compared as the unique index compares it, so the index serves."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.strip().lower())


class Subscriber(CleanText, models.Model):
    """An address on the list: pending until its owner confirms, then active."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254, validators=[validate_deliverable])
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    # The secret in every unsubscribe link; it never changes, so old emails keep working.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField("last confirmation sent", null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="subscriber_email_unique_ci",
                violation_error_message="This address is already on the list.",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(confirmed_at__isnull=False),
                name="subscriber_active_is_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="subscriber_status")]

    def __str__(self) -> str:
        return self.email


# Paths under /newsletter/ that an edition's web page must not shadow.
RESERVED_KEYS = {"subscribe", "confirm", "unsubscribe"}


def validate_edition_key(key: str) -> None:
    if key in RESERVED_KEYS:
        raise ValidationError(f"“{key}” is taken by a page of the site; choose another key.")


class EditionQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=Edition.Status.SENT)

    def started(self):
        """Editions some subscribers may have received: their web version is public."""
        return self.exclude(status=Edition.Status.DRAFT)

    def visible_to(self, user):
        return self if user.is_staff else self.started()

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def unattended(self):
        """Being sent, with rows due, and no sender heard from for NEWSLETTER_SENDER_SILENCE
        seconds: its senders died, gave up or were never started. Beat's sweep starts some.

        It does not wait for the rows a dead sender holds: their leases run out later, and
        the senders started here take them then.
        """
        deliveries = Delivery.objects.filter(edition=OuterRef("pk"))
        return (
            self.filter(status=Edition.Status.SENDING)
            .filter(Exists(deliveries.due()))
            .exclude(Exists(deliveries.signs_of_life()))
        )


class Edition(CleanText, models.Model):
    """One email to the list: the weekly one, keyed by its ISO week, or another an editor
    adds (the week's key with -2, -3 …). Composing the same week twice finds its key taken."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        SENT = "sent", "Sent"

    key = models.SlugField(
        max_length=20,
        unique=True,
        validators=[validate_edition_key],
        error_messages={"unique": "Another edition already has this key."},
        help_text=(
            "The edition's address: /newsletter/<key>/. A week's edition is keyed by its ISO "
            "week (year, w, week number); more editions in the same week add -2, -3 and so on."
        ),
    )
    subject = models.CharField(max_length=150)
    intro = models.TextField(blank=True, help_text="A short opening paragraph. Plain text.")
    comparisons = models.ManyToManyField(Comparison, related_name="editions", blank=True)
    covers_until = models.DateTimeField(
        help_text="Covers comparisons published up to here; the next edition starts from it."
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the edition said about its comparisons when sending started: every copy and the
    # web version show this from then on (newsletter/snapshots.py). None on a draft.
    snapshot = models.JSONField(null=True, blank=True, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(started_at__isnull=False),
                name="edition_started_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="edition_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:edition", args=[self.key])

    def progress(self) -> "Progress":
        counts = self.deliveries.aggregate(
            total=Count("pk"),
            **{s.value: Count("pk", filter=Q(status=s)) for s in Delivery.Status},
        )
        return Progress(**counts)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far an edition has got: its deliveries by status."""

    total: int
    pending: int
    sent: int
    failed: int
    skipped: int

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Delivery.Status.PENDING)

    def due(self):
        """Pending rows nobody holds a live claim on and whose retry time has come."""
        return self.pending().filter(available_at__lte=Now())

    def leased(self):
        """Pending rows a sender has claimed and may be sending right now."""
        return self.pending().filter(claim__isnull=False, available_at__gt=Now())

    def signs_of_life(self):
        """Rows a sender leased or sent within the last NEWSLETTER_SENDER_SILENCE seconds.

        A sender leases a row for NEWSLETTER_CLAIM_LEASE when it claims it, renews its
        chunk's lease when it might not outlast the next message and at each try while
        the server is down, and marks each row it sends; a lease ending more than
        (lease − silence) from now was taken within the silence.
        """
        silence = settings.NEWSLETTER_SENDER_SILENCE
        taken_after = Now() + dt.timedelta(seconds=settings.NEWSLETTER_CLAIM_LEASE - silence)
        return self.filter(
            Q(status=Delivery.Status.PENDING, claim__isnull=False, available_at__gt=taken_after)
            | Q(status=Delivery.Status.SENT, sent_at__gt=Now() - dt.timedelta(seconds=silence))
        )


class Delivery(CleanText, models.Model):
    """One edition to one subscriber: the row that makes sending exactly-once.

    ``available_at`` is when the row may next be claimed: a claim pushes it one
    lease ahead, a temporary failure one backoff ahead. ``claim`` names the
    chunk that holds the row, so a sender only marks rows it still holds.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed)"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    available_at = models.DateTimeField(db_default=Now())
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="delivery_once_per_subscriber"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_date",
            ),
        ]
        indexes = [
            # What senders claim from: an edition's pending rows in order.
            models.Index(
                fields=["edition", "id"], condition=Q(status="pending"), name="delivery_pending"
            ),
            models.Index(fields=["edition", "status"], name="delivery_edition_status"),
        ]

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber}"
