import re

import pghistory
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

from core.bidi import isolate
from core.history import history_of
from core.publishing import PUBLISHED_AT_HELP, STATUS_HELP, Publishable, PublishStatus
from core.text import CleanText
from tools.models import Tool, live_q

# What stands between the two names of a title as an editor types it: "A vs B", "A vs. B".
TITLE_VS = re.compile(r"\s+vs\.?(?:\s+|$)", re.IGNORECASE)


class ComparisonQuerySet(models.QuerySet):
    def published(self):
        """Live comparisons whose two tools are live too."""
        return self.filter(
            status=Comparison.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        ).filter(live_q("tool_a__"), live_q("tool_b__"))

    def visible_to(self, user):
        return self if user.is_staff else self.published()

    def involving(self, tool: Tool):
        return self.filter(Q(tool_a=tool) | Q(tool_b=tool))

    def in_category(self, category):
        return self.filter(Q(tool_a__category=category) | Q(tool_b__category=category))

    def for_pair(self, first: Tool, second: Tool):
        return self.filter(Q(tool_a=first, tool_b=second) | Q(tool_a=second, tool_b=first))

    def titled(self, text: str):
        """Comparisons whose title reads as ``text`` does, "Cursor vs Claude Code" finding
        "Claude Code vs Cursor" too; each side may be part of a name ("Cursor vs Cla")."""
        sides = [side.strip() for side in TITLE_VS.split(text.strip(), maxsplit=1)]
        first, second = [*sides, ""][:2]
        if not second:
            return self.filter(Q(tool_a__name__icontains=first) | Q(tool_b__name__icontains=first))
        return self.filter(
            Q(tool_a__name__icontains=first, tool_b__name__icontains=second)
            | Q(tool_a__name__icontains=second, tool_b__name__icontains=first)
        )

    def with_tools(self):
        return self.select_related("tool_a__category", "tool_b__category")

    def newest_first(self):
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")


class Comparison(Publishable, CleanText, models.Model):
    """An editor's pairing of two different tools, in the order the editor titles it."""

    Status = PublishStatus

    tool_a = models.ForeignKey(
        Tool,
        on_delete=models.PROTECT,
        related_name="comparisons_as_a",
        verbose_name="first tool",
        help_text="The title reads “first tool vs second tool”.",
    )
    tool_b = models.ForeignKey(
        Tool, on_delete=models.PROTECT, related_name="comparisons_as_b", verbose_name="second tool"
    )
    editor_note = models.TextField(
        "editor's note",
        blank=True,
        help_text="Shown under the title: why these two, and what to weigh. Plain text.",
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, help_text=STATUS_HELP
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text=PUBLISHED_AT_HELP)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The pick as last recorded (comparisons.services.picks_record), and since when it has
    # stood: the winner (None: too close to call) and its reason, when it last changed.
    pick_winner = models.ForeignKey(
        Tool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    pick_reason = models.CharField(max_length=300, blank=True, db_default="", editable=False)
    pick_since = models.DateTimeField(null=True, editable=False)

    objects = ComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # The table predates this app (comparisons lived in the project package).
        db_table = "verdicts_comparison"
        constraints = [
            models.CheckConstraint(
                condition=~Q(tool_a=F("tool_b")),
                name="comparison_two_different_tools",
                violation_error_message="A comparison needs two different tools.",
            ),
            models.UniqueConstraint(
                Least("tool_a", "tool_b"),
                Greatest("tool_a", "tool_b"),
                name="comparison_one_per_pair",
                violation_error_message="These two tools already have a comparison.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="comparison_published_has_date",
                violation_error_message="A published comparison needs a publication date.",
            ),
        ]
        indexes = [
            # newest_first() as it is written, so listings read the index in order
            models.Index(
                F("published_at").desc(nulls_last=True), F("id").desc(), name="comparison_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("comparisons:comparison-detail", args=[self.slug])

    @property
    def title(self) -> str:
        """ "A vs B", each name isolated so neither can turn round the rest (core/bidi.py)."""
        return f"{isolate(self.tool_a.name)} vs {isolate(self.tool_b.name)}"

    @property
    def slug(self) -> str:
        return pair_slug(self.tool_a.slug, self.tool_b.slug)

    @property
    def tools(self) -> tuple[Tool, Tool]:
        return (self.tool_a, self.tool_b)


def pair_slug(first: str, second: str) -> str:
    return f"{first}-vs-{second}"


# The pick's history (pghistory, as tools.models explains): a snapshot each time the pick
# is recorded anew, so the diff between two says what it was and what it became.
COMPARISON_HISTORY_FIELDS = ["tool_a", "tool_b", "pick_winner", "pick_reason", "pick_since"]
ComparisonEvent = history_of(
    Comparison,
    pghistory.UpdateEvent("pick-changed", condition=pghistory.AnyChange("pick_since")),
    fields=COMPARISON_HISTORY_FIELDS,
    name="ComparisonEvent",
)
