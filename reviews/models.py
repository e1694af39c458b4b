import unicodedata

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Least
from django.urls import reverse

from core.history import history_of
from core.scoring import mean, percent
from core.text import CleanText
from tools.models import OldSlug, Tool, live_q, old_slug_refused, slug_is_a_slug

SCORE_RANGE = "A score is a whole number from 0 to 100."


class Call(models.TextChoices):
    SHIP = "ship", "Ship"
    SKIP = "skip", "Skip"


class PersonaQuerySet(models.QuerySet):
    def active(self):
        """The panel: the seats currently sitting."""
        return self.filter(is_active=True)

    def formerly(self, slug: str):
        """The seat that had ``slug`` before it was renamed."""
        return self.filter(old_slugs__slug=slug)

    def with_record(self):
        """Annotate each persona's reviews of live tools: count, ships and mean score."""
        live = live_q("reviews__tool__")
        return self.annotate(
            review_count=Count("reviews", filter=live),
            ship_count=Count("reviews", filter=live & Q(reviews__call=Call.SHIP)),
            score_sum=Sum("reviews__score", filter=live, default=0),
        ).order_by("order", "name")  # Meta.ordering does not apply to aggregating queries


def validate_mark(mark: str) -> None:
    """A seat's mark is what its badge shows: letters or a symbol, nothing invisible."""
    if any(char.isspace() or unicodedata.category(char) in ("Cc", "Cf") for char in mark):
        raise ValidationError(
            "A mark is one to three letters or a symbol, without spaces or invisible characters."
        )


def validate_one_line(text: str) -> None:
    if any(char in text for char in "\r\n\u2028\u2029"):
        raise ValidationError("Keep it to one line: readers scan it above the full text.")


class SeatColour(models.TextChoices):
    """The seats' palette. Each colour has a light and a dark pair in static/css/site.css, its
    text at least 4.5:1 against it in both (tests/reviews/test_identity.py checks); none is the
    green of ship or the red of skip, so a seat never reads as a verdict."""

    OCEAN = "ocean", "Ocean blue"
    VIOLET = "violet", "Violet"
    GOLD = "gold", "Gold"
    ROSE = "rose", "Rose"
    SLATE = "slate", "Slate"
    COCOA = "cocoa", "Cocoa"


class Persona(CleanText, models.Model):
    """A seat on the reviewer panel (Builder, Skeptic, Futurist, Founder), each with a face:
    a mark in a colour of its own, and a stance (the lens) under its name."""

    Colour = SeatColour

    name = models.CharField(
        max_length=60,
        unique=True,
        error_messages={"unique": "There is already a seat on the panel with this name."},
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        error_messages={"unique": "Another seat already has this slug (its web address)."},
    )
    # The new columns have database defaults too, so writers that name only the old ones
    # (demo/dataset.py's COPY, an older release during a deploy) keep working.
    mark = models.CharField(
        max_length=3,
        blank=True,
        db_default="",
        validators=[validate_mark],
        help_text="What the seat's badge shows: one to three letters or a symbol, such as Bu "
        "or ✦. Left empty, the name's first letter.",
    )
    colour = models.CharField(
        max_length=10,
        choices=SeatColour,
        default=SeatColour.OCEAN,
        db_default=SeatColour.OCEAN,
        help_text="The badge's colour. Give each seat on the panel its own, so readers can tell "
        "them apart at a glance.",
    )
    lens = models.CharField(
        "stance",
        max_length=200,
        validators=[validate_one_line],
        help_text="One line on what this seat judges, shown under its name.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower sits first.")
    is_active = models.BooleanField(
        "on the panel",
        default=True,
        help_text="Retired seats keep their reviews but no longer count in verdicts.",
    )

    objects = PersonaQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            slug_is_a_slug("persona_slug_is_a_slug", "seat"),
            models.CheckConstraint(
                condition=Q(colour__in=SeatColour.values),
                name="persona_colour_in_palette",
                violation_error_message="Pick the seat's colour from the panel's palette.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:persona-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        others = PersonaSlug.objects.filter(slug=self.slug)
        old_slug_refused(others.exclude(persona_id=self.pk) if self.pk else others, "seat")

    @property
    def badge(self) -> str:
        """What the seat's badge shows: its mark, or its name's first letter."""
        return self.mark or self.name[:1].upper()

    @property
    def ship_rate(self) -> int | None:
        """Needs ``with_record()``."""
        return percent(self.ship_count, self.review_count)

    @property
    def mean_score(self) -> int | None:
        """Needs ``with_record()``."""
        return mean(self.score_sum, self.review_count)


class ReviewQuerySet(models.QuerySet):
    def counted(self):
        """Reviews that count in a panel verdict: those by seats on the panel."""
        return self.filter(persona__is_active=True)

    def of_live_tools(self):
        return self.filter(live_q("tool__"))

    def score_bands(self) -> list[int]:
        """How many reviews of live tools score 0–9, 10–19, …, 90–100: ten counts, one query."""
        rows = (
            self.of_live_tools()
            .annotate(band=Least(F("score") / 10, 9))
            .order_by()
            .values("band")
            .annotate(reviews=Count("pk"))
        )
        counts = [0] * 10
        for row in rows:
            counts[row["band"]] = row["reviews"]
        return counts


class Review(CleanText, models.Model):
    """One persona's judgment of one tool. It belongs to the tool, not to a comparison."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="reviews")
    persona = models.ForeignKey(
        Persona,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    score = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(0, message=SCORE_RANGE),
            MaxValueValidator(100, message=SCORE_RANGE),
        ],
        help_text="A whole number from 0 to 100.",
    )
    call = models.CharField(
        max_length=4, choices=Call, help_text="Would this seat ship with the tool, or skip it?"
    )
    body = models.TextField(
        "review", help_text="The seat's reasons, in a few short paragraphs. Plain text."
    )
    summary = models.CharField(
        max_length=160,
        blank=True,
        db_default="",
        validators=[validate_one_line],
        help_text="The review in one line, shown above its text so readers can scan the panel.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["persona__order", "persona__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "persona"],
                name="review_one_per_tool_and_persona",
                violation_error_message="This persona has already reviewed this tool.",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="review_score_0_to_100",
                violation_error_message=SCORE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(call__in=Call.values),
                name="review_call_valid",
                violation_error_message="A review's call is ship or skip.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.persona} on {self.tool}: {self.score}/100 · {self.call}"

    @property
    def headline(self) -> str:
        """ "82/100 · ship"."""
        return f"{self.score}/100 · {self.call}"


class Vote(CleanText, models.Model):
    """A member's ship or skip on a tool: one per member per tool, changeable, removable.

    Write votes through ``reviews.services.vote_cast``: it keeps the tool's community counts
    in step in the same transaction. It does so in SQL of its own, a PostgreSQL function
    (reviews/migrations/0011_vote_function.py) that names this table's and the tool table's
    columns: a migration that renames or retypes them replaces that function too.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="votes")
    value = models.CharField(max_length=4, choices=Call)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "tool"],
                name="vote_one_per_member_and_tool",
                violation_error_message="This member has already voted on this tool.",
            ),
            models.CheckConstraint(
                condition=Q(value__in=Call.values),
                name="vote_value_valid",
                violation_error_message="A vote is ship or skip.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.tool}: {self.value}"


class PersonaSlug(OldSlug):
    """A slug a seat had before: /panel/<old>/ answers 301 to its page."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta(OldSlug.Meta):
        verbose_name = "old seat slug"


# The history of the panel (pghistory triggers; see tools.models): every review's score,
# call and text, and each seat's name and place on the panel.
REVIEW_HISTORY_FIELDS = ["tool", "persona", "score", "call", "body"]
ReviewEvent = history_of(
    Review,
    pghistory.InsertEvent("added"),
    pghistory.UpdateEvent("changed", condition=pghistory.AnyChange("score", "call", "body")),
    pghistory.DeleteEvent("removed"),
    fields=REVIEW_HISTORY_FIELDS,
    name="ReviewEvent",
)

PERSONA_HISTORY_FIELDS = ["name", "is_active"]
PersonaEvent = history_of(
    Persona,
    pghistory.InsertEvent("added"),
    pghistory.UpdateEvent("changed", condition=pghistory.AnyChange(*PERSONA_HISTORY_FIELDS)),
    fields=PERSONA_HISTORY_FIELDS,
    name="PersonaEvent",
)
