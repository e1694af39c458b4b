"""Who follows what, how they want to hear of it, and the alerts and emails that tell them.

A Follower is whoever alerts go to: a member, or an address that confirmed a follow by
email. A Follow points at one tool, comparison, category or persona; a member's bookmark of
a tool follows it too, unless the member unfollowed it (an inactive Follow says so).
Alerts are written by the collection (``watchlists.collect``) from the history's events;
an AlertDelivery is one email to one follower, carrying the alerts it gathered, and is sent
exactly once by ``watchlists.sending``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Now

from comparisons.models import Comparison
from core.text import CleanText
from reviews.models import Persona
from tools.models import Category, Tool


class Kind(models.TextChoices):
    """What changed: each kind has its own alert setting."""

    CALL = "call", "A panel or community call flips"
    REVIEW = "review", "A review of a tool you follow changes score or call"
    PRICE = "price", "A tool you follow changes its price"
    PICK = "pick", "A comparison you follow changes its pick"
    NEW_COMPARISON = "new-comparison", "A new comparison in a category you follow"
    PERSONA_REVIEW = "persona-review", "A seat you follow reviews a new tool"


class Frequency(models.TextChoices):
    AT_ONCE = "at-once", "At once"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    NEVER = "never", "Never"


# What a follower hears without having chosen: flips at once, the rest gathered.
DEFAULT_FREQUENCY = {
    Kind.CALL: Frequency.AT_ONCE,
    Kind.PICK: Frequency.AT_ONCE,
    Kind.REVIEW: Frequency.DAILY,
    Kind.PRICE: Frequency.DAILY,
    Kind.NEW_COMPARISON: Frequency.WEEKLY,
    Kind.PERSONA_REVIEW: Frequency.WEEKLY,
}


class FollowerQuerySet(models.QuerySet):
    def with_email(self, email: str):
        """Email followers by address, compared as the unique index compares it."""
        return self.alias(email_lower=Lower("email")).filter(
            member__isnull=True, email_lower=email.strip().lower()
        )


class Follower(CleanText, models.Model):
    """Whoever alerts go to: a member (their account's address) or a bare address."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follower",
    )
    email = models.EmailField(max_length=254, blank=True)
    # The secret in every unsubscribe link: it never changes, so old emails keep working.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, email="") | Q(member__isnull=True) & ~Q(email=""),
                name="follower_member_or_address",
                violation_error_message="A follower is a member or an email address, not both.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(member__isnull=True),
                name="follower_address_unique_ci",
                violation_error_message="This address already follows something.",
            ),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return self.member.email if self.member_id else self.email


class FollowQuerySet(models.QuerySet):
    def watching(self):
        """Follows that bring alerts: switched on and, by email, confirmed."""
        return self.filter(active=True, confirmed_at__isnull=False)


TARGETS = ("tool", "comparison", "category", "persona")


def _one_target() -> Q:
    either = Q()
    for target in TARGETS:
        others = {f"{other}__isnull": True for other in TARGETS if other != target}
        either |= Q(**{f"{target}__isnull": False}, **others)
    return either


class Follow(models.Model):
    """A follower's watch on one tool, comparison, category or persona.

    An inactive Follow of a tool is a member's "unfollowed, though still bookmarked".
    A follow by email waits for its confirmation (``confirmed_at``) before it brings alerts.
    """

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="follows")
    tool = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    comparison = models.ForeignKey(
        Comparison, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    persona = models.ForeignKey(
        Persona, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_target(),
                name="follow_one_target",
                violation_error_message=(
                    "A follow is of one thing: a tool, a comparison, a category or a seat."
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["follower", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"follow_once_per_{target}",
                    violation_error_message=f"This follower already follows this {target}.",
                )
                for target in TARGETS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.target}"

    @property
    def target(self):
        return self.tool or self.comparison or self.category or self.persona


class AlertSetting(CleanText, models.Model):
    """How often a follower hears of one kind of change; without a row, the default."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="settings")
    kind = models.CharField(max_length=16, choices=Kind)
    frequency = models.CharField(max_length=8, choices=Frequency)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "kind"],
                name="alert_setting_once_per_kind",
                violation_error_message="This follower already has a setting for this kind.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="alert_setting_kind_valid",
                violation_error_message="Choose one of the kinds of change.",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values),
                name="alert_setting_frequency_valid",
                violation_error_message="Choose at once, daily, weekly or never.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower}: {self.kind} {self.frequency}"


class DeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=AlertDelivery.Status.PENDING)

    def due(self):
        """Pending rows nobody holds a live claim on and whose retry time has come."""
        return self.pending().filter(available_at__lte=Now())


class AlertDelivery(CleanText, models.Model):
    """One email to one follower: the alerts it gathered, at once or as a digest.

    The claim, lease and retry columns work as ``newsletter.models.Delivery``'s do.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (nothing left to say)"

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="deliveries")
    frequency = models.CharField(max_length=8, choices=Frequency)
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())
    available_at = models.DateTimeField(db_default=Now())
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "alert deliveries"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="alert_delivery_sent_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(frequency="never"),
                name="alert_delivery_goes_out",
                violation_error_message="An email goes out at once or as a digest.",
            ),
        ]
        indexes = [
            models.Index(fields=["available_at"], condition=Q(status="pending"), name="alert_due"),
            models.Index(fields=["follower", "frequency", "created_at"], name="alert_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} → {self.follower}"


class AlertQuerySet(models.QuerySet):
    def waiting(self):
        """Alerts no email has taken yet."""
        return self.filter(delivery__isnull=True)


class Alert(CleanText, models.Model):
    """One change a follower hears of, from one history event (so collecting twice writes
    it once). ``frequency`` is how it goes out, from the follower's setting for its kind."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=Kind)
    frequency = models.CharField(max_length=8, choices=Frequency)
    text = models.CharField(max_length=500)
    path = models.CharField(max_length=300)
    at = models.DateTimeField()  # when the change was made
    source = models.CharField(max_length=40)  # the history's event table
    event_id = models.BigIntegerField()
    delivery = models.ForeignKey(
        AlertDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "source", "event_id"],
                name="alert_once_per_follower_and_event",
                violation_error_message="This follower already has an alert for this change.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["frequency", "follower"],
                condition=Q(delivery__isnull=True),
                name="alert_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Watermark(CleanText, models.Model):
    """The last history event collected from one event table."""

    source = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source} @ {self.last_id}"
