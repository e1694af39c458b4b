import re
from collections.abc import Collection

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, FilteredRelation, OuterRef, Q, Window
from django.db.models.functions import Greatest, RowNumber
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils import timezone

from core.badges import BADGES, Badge, Standing
from core.history import history_of
from core.publishing import PUBLISHED_AT_HELP, STATUS_HELP, Publishable, PublishStatus
from core.scoring import CommunityVerdict, PanelVerdict, community_verdict, panel_verdict
from core.text import CleanText
from tools.rates import percent_sql, stored, wilson_lower_bound_sql

WEBSITE_IS_HTTP = "A website is an http or https address."
# What a tool's page says when Verdicts has nothing to do with its makers.
NO_RELATIONSHIP = "None"
# What a slug may hold, as the URL patterns' <slug:…> reads it. The database keeps to it
# too: a row with any other character (written by hand) has no address, and every page,
# feed or sitemap that links it would fail.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def slug_is_a_slug(name: str, what: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(slug__regex=SLUG_PATTERN),
        name=name,
        violation_error_message=(
            f"A slug is letters, digits, hyphens and underscores: it is the {what}'s web address."
        ),
    )


def search_words(text: str) -> list[str]:
    """The words in what a reader typed, as the catalogue's search reads them."""
    return re.findall(r"\w+", text.lower())


def live_q(prefix: str = "") -> Q:
    """Published and past its publication date; ``prefix`` reaches a related tool."""
    return Q(
        **{f"{prefix}status": Tool.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()}
    )


class CategoryQuerySet(models.QuerySet):
    def with_tool_counts(self):
        return self.annotate(tool_count=models.Count("tools", filter=live_q("tools__")))

    def formerly(self, slug: str):
        """The category that had ``slug`` before it was renamed."""
        return self.filter(old_slugs__slug=slug)


def old_slug_refused(old_slugs: models.QuerySet, what: str) -> None:
    """A slug another row had before still leads there: taking it would break those links."""
    if old_slugs.exists():
        raise ValidationError(
            {
                "slug": f"Another {what} had this slug before, and its old links still lead "
                "there: choose another."
            }
        )


class Category(CleanText, models.Model):
    """A shelf of tools ("Developer Tools")."""

    name = models.CharField(
        max_length=80,
        unique=True,
        error_messages={"unique": "There is already a category with this name."},
    )
    slug = models.SlugField(
        max_length=80,
        unique=True,
        error_messages={"unique": "Another category already has this slug (its web address)."},
        help_text="Letters, digits and hyphens; it ends the category's web address "
        "(/categories/the-slug/), and links to an old one still lead here.",
    )
    description = models.CharField(
        max_length=300, blank=True, help_text="One line under the category's name."
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Where it sits in lists of categories: lower comes first."
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [slug_is_a_slug("category_slug_is_a_slug", "category")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("comparisons:category-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        others = CategorySlug.objects.filter(slug=self.slug)
        old_slug_refused(others.exclude(category_id=self.pk) if self.pk else others, "category")


def _min_votes(min_votes: int | None) -> int:
    return max(settings.RANKING_MIN_VOTES if min_votes is None else min_votes, 1)


class ToolQuerySet(models.QuerySet):
    # How alike (pg_trgm word similarity, 0 to 1) a typed word and a name must be to match.
    TYPO_SIMILARITY = 0.45
    PANEL_LABELS = [
        ("ship", "Ship"),
        ("skip", "Skip"),
        ("split", "Split"),
        ("awaiting", "Awaiting panel"),
    ]
    SORTS = [
        ("panel", "Panel ship %"),
        ("score", "Mean panel score"),
        ("community", "Community ship %"),
        ("newest", "Newest"),
        ("name", "Name"),
    ]

    def published(self):
        return self.filter(live_q())

    def visible_to(self, user):
        """Readers see live tools; staff also see drafts, to preview them."""
        return self if user.is_staff else self.published()

    def in_category(self, category):
        return self.filter(category=category)

    def with_category(self):
        return self.select_related("category")

    # Orders that indexes on Tool serve as they are (see Tool.Meta.indexes).
    PANEL_ORDER = (
        F("panel_pct").desc(nulls_last=True),
        F("panel_mean_score").desc(nulls_last=True),
        F("community_pct").desc(nulls_last=True),
        "name",
    )
    COMMUNITY_ORDER = (F("community_wilson").desc(nulls_last=True), "name")

    def with_full_panel(self):
        """Tools every seat on the panel has reviewed."""
        return self.filter(panel_full=True, panel_pct__isnull=False)

    def top_by_panel(self):
        """Tools the whole panel has reviewed, in the order the pick weighs them: the ship %
        shown, then the mean score shown, then the community ship %. Two reviews of four
        would otherwise top the list on a half-heard verdict."""
        return self.with_full_panel().order_by(*self.PANEL_ORDER)

    def top_by_community(self, *, min_votes: int | None = None):
        """Best community verdicts first, by Wilson lower bound, among tools with enough votes."""
        return self.with_min_votes(_min_votes(min_votes)).order_by(*self.COMMUNITY_ORDER)

    def short_of_votes(self, *, min_votes: int | None = None):
        """Tools with votes, but fewer than a community ranking needs."""
        return self.alias(vote_total=F("community_ships") + F("community_skips")).filter(
            vote_total__gt=0, vote_total__lt=_min_votes(min_votes)
        )

    def top_by_community_and_nearest(self, *, limit: int, min_votes: int | None = None):
        """The first ``limit`` of ``top_by_community``, and with them the best tool still short
        of the minimum, so that a short or empty ranking can say whether votes exist at all.

        One query: a UNION ALL of two halves, each an index scan of tool_community_rank.
        """
        ranked = self.top_by_community(min_votes=min_votes)[:limit]
        nearest = self.short_of_votes(min_votes=min_votes).order_by(*self.COMMUNITY_ORDER)[:1]
        return ranked.union(nearest, all=True).order_by(*self.COMMUNITY_ORDER)

    def community_standings(self, *, min_votes: int | None = None):
        """Every tool with votes: those with enough to rank first, each part best first."""
        votes = F("community_ships") + F("community_skips")
        return (
            self.alias(vote_total=votes)
            .filter(vote_total__gt=0)
            .order_by(
                GreaterThanOrEqual(votes, _min_votes(min_votes)).desc(), *self.COMMUNITY_ORDER
            )
        )

    def panel_crowd_disagree(self, *, min_votes: int | None = None):
        """Tools whose panel label and community majority differ, where the majority is real.

        Real means the Wilson interval of the majority's share lies wholly above
        one half: 6 skips to 4 ships is noise, 60 to 40 is a disagreement. The panel's
        side counts once every seat has reviewed, as in the panel's ranking.
        """
        return (
            self.with_full_panel()
            .with_min_votes(_min_votes(min_votes))
            .filter(
                Q(panel_skips__gt=F("panel_ships"), community_wilson__gt=0.5)
                | Q(panel_ships__gt=F("panel_skips"), community_wilson_skip__gt=0.5)
            )
            .order_by((F("community_ships") + F("community_skips")).desc(), "name")
        )

    def per_category(self, *, limit: int = 3):
        """The first ``limit`` tools of each category, in this queryset's order.

        One query: a window function numbers the tools within each category.
        """
        ordering = self.query.order_by or ("name",)
        return (
            self.annotate(
                category_rank=Window(
                    RowNumber(), partition_by=[F("category_id")], order_by=list(ordering)
                )
            )
            .filter(category_rank__lte=limit)
            .order_by("category__order", "category__name", "category_rank")
        )

    def newest_first(self):
        return self.order_by(F("published_at").desc(nulls_last=True), "name")

    def with_panel_label(self, label: str):
        """Tools whose panel verdict carries ``label``: ship, skip, split or awaiting."""
        return self.filter(
            {
                "ship": Q(panel_ships__gt=F("panel_skips")),
                "skip": Q(panel_skips__gt=F("panel_ships")),
                "split": Q(panel_ships=F("panel_skips"), panel_ships__gt=0),
                "awaiting": Q(panel_ships=0, panel_skips=0),
            }[label]
        )

    def with_min_votes(self, votes: int):
        return self.alias(vote_total=F("community_ships") + F("community_skips")).filter(
            vote_total__gte=votes
        )

    def sorted_by(self, key: str):
        """Order by one of ``SORTS``; ties fall back to the name."""
        if key == "newest":
            return self.newest_first()
        if key == "name":
            return self.order_by("name")
        if key == "panel":
            return self.order_by(*self.PANEL_ORDER)
        field = {"score": "panel_mean_score", "community": "community_pct"}[key]
        return self.order_by(F(field).desc(nulls_last=True), "name")

    def with_reader(self, user, saved: Collection[int] = ()):
        """Annotate what this reader has done to each tool, for the card's buttons.

        ``reader_vote`` is "ship", "skip" or None; ``reader_bookmarked`` is a bool. A member's
        come from their rows in the same SELECT (their vote through the ``votes`` relation
        that reviews.Vote adds to Tool, at most one row per tool); a signed-out reader has
        no vote and keeps bookmarks in the session, passed as ``saved`` tool ids.
        """
        if not user.is_authenticated:
            bookmarked = (
                models.ExpressionWrapper(Q(pk__in=saved), output_field=models.BooleanField())
                if saved
                else models.Value(False)
            )
            return self.annotate(
                reader_vote=models.Value(None, output_field=models.CharField()),
                reader_bookmarked=bookmarked,
            )
        return self.annotate(
            readers_vote=FilteredRelation("votes", condition=Q(votes__member=user)),
            reader_vote=F("readers_vote__value"),
            reader_bookmarked=models.Exists(
                Bookmark.objects.filter(tool=OuterRef("pk"), member=user)
            ),
        )

    def formerly(self, slug: str):
        """The tool that had ``slug`` before it was renamed."""
        return self.filter(old_slugs__slug=slug)

    def bookmarked_by(self, member):
        """The member's saved tools, most recently saved first."""
        return self.filter(bookmarks__member=member).order_by("-bookmarks__created_at")

    def matching(self, text: str):
        """Tools matching what a reader typed, best match first.

        Full-text search with every word taken as a prefix ("smolvlm" finds
        "SmolVLM2"), or a close trigram match on the name or vendor for typos
        ("mistrl" finds "Mistral"), or the category's name. Text with no word in it
        (an emoji, "++") has nothing to search for: it finds the names, vendors and
        taglines that hold it as it was typed.
        """
        words = search_words(text)
        if not words:
            literal = text.strip()
            return self.filter(
                Q(name__icontains=literal)
                | Q(vendor__icontains=literal)
                | Q(tagline__icontains=literal)
            ).order_by("name")
        query = SearchQuery(
            " & ".join(f"{w}:*" for w in words), config="english", search_type="raw"
        )
        return (
            self.annotate(
                name_similarity=Greatest(
                    TrigramWordSimilarity(text, "name"), TrigramWordSimilarity(text, "vendor")
                ),
                search_rank=SearchRank(F("search_vector"), query),
            )
            .filter(
                Q(search_vector=query)
                | Q(name_similarity__gte=self.TYPO_SIMILARITY)
                | Q(category__name__icontains=text.strip())
            )
            .order_by((F("search_rank") + F("name_similarity")).desc(), "name")
        )


class ToolManager(models.Manager.from_queryset(ToolQuerySet)):
    def get_queryset(self) -> ToolQuerySet:
        # The stored search vector is for PostgreSQL to match against, never for Python:
        # loading it would carry every description's lexemes along with each tool.
        return super().get_queryset().defer("search_vector")


class Tool(Publishable, CleanText, models.Model):
    """A product being judged.

    The panel and community counts are kept on the row so that no page has to
    count reviews or votes: services update them in the transaction that
    changes a review or a vote, and ``reviews.tasks.recount_verdicts`` repairs
    any drift. The vote writes them in SQL of its own, a PostgreSQL function
    (reviews/migrations/0011_vote_function.py) that names this table's columns and returns
    its rows: a migration that renames or retypes them, or rebuilds the table, replaces it.
    """

    Status = PublishStatus

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        FREEMIUM = "freemium", "Freemium"
        PAID = "paid", "Paid"

    name = models.CharField(max_length=120, help_text="As its makers write it.")
    slug = models.SlugField(
        max_length=120,
        unique=True,
        error_messages={"unique": "Another tool already has this slug (its web address)."},
        help_text="Letters, digits and hyphens only.",
    )
    tagline = models.CharField(
        "best for", max_length=160, help_text="One line: who or what this tool is best for."
    )
    description = models.TextField(
        help_text="What it does and for whom, in a few short paragraphs with a blank line "
        "between them. Plain text."
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="tools",
        help_text="The shelf readers find it on.",
    )
    vendor = models.CharField(max_length=120, blank=True, help_text="Who makes it.")
    pricing_entry = models.CharField(
        "entry price",
        max_length=10,
        choices=Pricing,
        default=Pricing.FREE,
        help_text="The cheapest way in: free, freemium (a free tier, paid plans) or paid only.",
    )
    pricing_detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="The prices in a few words, such as “Free / Open weights (Apache 2.0)”.",
    )
    license = models.CharField(
        max_length=120, blank=True, help_text="Such as “MIT”, “Apache 2.0” or “Proprietary”."
    )
    relationship = models.CharField(
        "our relationship with the vendor",
        max_length=300,
        default=NO_RELATIONSHIP,
        db_default=NO_RELATIONSHIP,
        help_text="Shown on the tool's page as it is written here: anything Verdicts has with "
        "its makers (sponsorship, affiliate links, investment, a job), or “None”.",
    )
    # Only web addresses: a javascript: or data: URL here would become a live link.
    website = models.URLField(
        blank=True,
        validators=[URLValidator(schemes=["http", "https"], message=WEBSITE_IS_HTTP)],
        help_text="The tool's own site: an http or https address.",
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.DRAFT, help_text=STATUS_HELP
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text=PUBLISHED_AT_HELP)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panel_ships = models.PositiveIntegerField(default=0, editable=False)
    panel_skips = models.PositiveIntegerField(default=0, editable=False)
    panel_score_total = models.PositiveIntegerField(default=0, editable=False)
    # Whether every seat on the panel has reviewed the tool. Seats come and go, so this is
    # kept with the counts above (reviews.services.panel_recount) rather than computed here;
    # a row written without it (the synthetic dataset copies rows in) starts as not full.
    panel_full = models.BooleanField(default=False, db_default=False, editable=False)
    community_ships = models.PositiveIntegerField(default=0, editable=False)
    community_skips = models.PositiveIntegerField(default=0, editable=False)
    # Which badges (core.badges) the tool holds: a badge is lost only below a line lower than
    # the one that earns it, so whether it is held depends on whether it was. Kept with the
    # counts above, by the same services (tools.services.tool_badges_update).
    badge_panel_favourite = models.BooleanField(default=False, db_default=False, editable=False)
    badge_community_favourite = models.BooleanField(default=False, db_default=False, editable=False)
    # When the panel's verdict last moved (a score or a call): kept by a trigger (Meta), so
    # no write path can leave it behind.
    verdict_updated_at = models.DateTimeField(null=True, editable=False)
    # Rates PostgreSQL keeps up to date from the counts above, indexed for the rankings.
    panel_pct = stored(
        percent_sql("panel_ships", "panel_ships", "panel_skips"), models.IntegerField()
    )
    panel_mean_score = stored(
        percent_sql("panel_score_total", "panel_ships", "panel_skips", scale=100),
        models.IntegerField(),
    )
    community_pct = stored(
        percent_sql("community_ships", "community_ships", "community_skips"),
        models.IntegerField(),
    )
    community_wilson = stored(wilson_lower_bound_sql("community_ships"))
    community_wilson_skip = stored(wilson_lower_bound_sql("community_skips"))
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("name", weight="A", config="english")
            + SearchVector("tagline", "vendor", weight="B", config="english")
            + SearchVector("description", weight="C", config="english")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ToolManager()

    class Meta:
        ordering = ["name"]
        triggers = [
            pgtrigger.Trigger(
                name="verdict_moved",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.AnyChange("panel_ships", "panel_skips", "panel_score_total"),
                func="NEW.verdict_updated_at = NOW(); RETURN NEW;",
            )
        ]
        constraints = [
            slug_is_a_slug("tool_slug_is_a_slug", "tool"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="tool_published_has_date",
                violation_error_message="A published tool needs a publication date.",
            ),
            models.CheckConstraint(
                condition=Q(panel_score_total__lte=100 * (F("panel_ships") + F("panel_skips"))),
                name="tool_panel_score_total_in_range",
                violation_error_message=(
                    "The panel's scores are out of step with its reviews; "
                    "recounting the verdicts puts them right."
                ),
            ),
            models.CheckConstraint(
                condition=Q(website="") | Q(website__iregex=r"^https?://"),
                name="tool_website_is_http",
                violation_error_message=WEBSITE_IS_HTTP,
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            GinIndex(fields=["search_vector"], name="tool_search_vector"),
            models.Index(*ToolQuerySet.PANEL_ORDER, name="tool_panel_rank"),
            models.Index(
                *ToolQuerySet.PANEL_ORDER, name="tool_full_panel_rank", condition=Q(panel_full=True)
            ),
            models.Index(*ToolQuerySet.COMMUNITY_ORDER, name="tool_community_rank"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("comparisons:tool-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        others = ToolSlug.objects.filter(slug=self.slug)
        old_slug_refused(others.exclude(tool_id=self.pk) if self.pk else others, "tool")

    @property
    def initial(self) -> str:
        return self.name[:1].upper()

    # A page showing a reader's re-weighted view (reviews/weighting.py) puts the verdict it
    # weighed here, so that every figure the page draws from ``panel`` is the weighted one;
    # ``panel_own`` stays the panel's, for the page to say what the panel itself says.
    panel_reweighted: PanelVerdict | None = None

    @property
    def panel(self) -> PanelVerdict:
        return self.panel_own if self.panel_reweighted is None else self.panel_reweighted

    @property
    def panel_own(self) -> PanelVerdict:
        return panel_verdict(
            ships=self.panel_ships, skips=self.panel_skips, score_total=self.panel_score_total
        )

    @property
    def community(self) -> CommunityVerdict:
        return community_verdict(
            ships=self.community_ships,
            skips=self.community_skips,
            min_votes=settings.RANKING_MIN_VOTES,
        )

    @property
    def standing(self) -> Standing:
        """The tool's verdicts as the badges read them."""
        return Standing(panel=self.panel, community=self.community, panel_full=self.panel_full)

    @property
    def badges(self) -> tuple[Badge, ...]:
        """The badges the tool holds, as last recomputed."""
        return tuple(badge for badge in BADGES if getattr(self, badge_field(badge)))


def badge_field(badge: Badge) -> str:
    """The column of Tool that keeps whether the tool holds ``badge``."""
    return f"badge_{badge.key}"


class Bookmark(models.Model):
    """A tool a member saved for later. Signed-out readers' bookmarks live in their session
    (``tools.bookmarks.SessionBookmarks``) until they sign in."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "tool"],
                name="bookmark_one_per_member_and_tool",
                violation_error_message="This member has already saved this tool.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} saved {self.tool}"


class OldSlug(CleanText, models.Model):
    """A slug a row had before it was renamed: its old addresses answer 301 to the new one,
    so links in sent newsletters, bookmarks and search engines keep working. The services
    that save a renamed row write these; no other row may take the slug afterwards."""

    slug = models.SlugField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.slug


class ToolSlug(OldSlug):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta(OldSlug.Meta):
        verbose_name = "old tool slug"


class CategorySlug(OldSlug):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta(OldSlug.Meta):
        verbose_name = "old category slug"
        verbose_name_plural = "old category slugs"


class VerdictDay(models.Model):
    """A tool's panel and community ship % as they stood at the end of a day (the last
    hourly record of it): the points of its timeline. ``tools.services.verdict_days_record``
    writes them."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="verdict_days")
    day = models.DateField()
    panel_pct = models.IntegerField(null=True)
    community_pct = models.IntegerField(null=True)

    class Meta:
        ordering = ["tool", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "day"],
                name="verdict_day_one_per_tool",
                violation_error_message="A tool has one point on its timeline a day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tool_id} on {self.day}"


# The history (pghistory: PostgreSQL triggers, so no write path can skip it, a plain
# QuerySet.update() or raw SQL included). Each event row is a dated snapshot of the fields
# that move a verdict or what a reader pays; what changed is the difference from the
# object's previous snapshot (its "snapshot" row, written when the history began, or the
# row's insert). An editor's correction note travels in pghistory's context.
def _call_moved(ships: str, skips: str) -> str:
    """SQL: the call (the sign of ships − skips, and whether anyone judged) moved."""
    old, new = (f'({row}."{ships}"::int - {row}."{skips}"::int)' for row in ("OLD", "NEW"))
    judged = (f'({row}."{ships}" + {row}."{skips}" > 0)' for row in ("OLD", "NEW"))
    return f"SIGN{old} IS DISTINCT FROM SIGN{new} OR {' IS DISTINCT FROM '.join(judged)}"


TOOL_HISTORY_FIELDS = ["name", "category", "status", "pricing_entry", "pricing_detail"]
ToolEvent = history_of(
    Tool,
    pghistory.InsertEvent("added"),
    pghistory.UpdateEvent("changed", condition=pghistory.AnyChange(*TOOL_HISTORY_FIELDS)),
    fields=TOOL_HISTORY_FIELDS,
    name="ToolEvent",
)

TOOL_CALL_FIELDS = ["panel_ships", "panel_skips", "community_ships", "community_skips"]
ToolCallEvent = history_of(
    Tool,
    pghistory.InsertEvent("calls-added"),
    pghistory.UpdateEvent(
        "calls-flipped",
        condition=pghistory.Condition(
            f"{_call_moved('panel_ships', 'panel_skips')}"
            f" OR {_call_moved('community_ships', 'community_skips')}"
        ),
    ),
    fields=TOOL_CALL_FIELDS,
    name="ToolCallEvent",
)
