from collections.abc import Collection

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from reviews.verdicts import CommunityVerdict, PanelVerdict, community_verdict, panel_verdict


def live_q(prefix: str = "") -> Q:
    """Published and past its publication date; ``prefix`` reaches a related tool."""
    return Q(
        **{f"{prefix}status": Tool.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()}
    )


class CategoryQuerySet(models.QuerySet):
    def with_tool_counts(self):
        return self.annotate(tool_count=models.Count("tools", filter=live_q("tools__")))


class Category(models.Model):
    """A shelf of tools ("Developer Tools")."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tools:category-detail", args=[self.slug])


class ToolQuerySet(models.QuerySet):
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

    def with_rates(self):
        """Annotate ship rates and mean score (as fractions) for sorting in SQL."""
        panel_total = F("panel_ships") + F("panel_skips")
        votes_total = F("community_ships") + F("community_skips")
        return self.annotate(
            panel_rate=models.ExpressionWrapper(
                F("panel_ships") * 1.0 / models.functions.NullIf(panel_total, 0),
                output_field=models.FloatField(),
            ),
            panel_mean=models.ExpressionWrapper(
                F("panel_score_total") * 1.0 / models.functions.NullIf(panel_total, 0),
                output_field=models.FloatField(),
            ),
            community_rate=models.ExpressionWrapper(
                F("community_ships") * 1.0 / models.functions.NullIf(votes_total, 0),
                output_field=models.FloatField(),
            ),
        )

    def top_by_panel(self):
        return self.with_rates().order_by(
            F("panel_rate").desc(nulls_last=True), F("panel_mean").desc(nulls_last=True), "name"
        )

    def top_by_community(self):
        return (
            self.with_rates()
            .filter(community_rate__isnull=False)
            .order_by(F("community_rate").desc(), "-community_ships", "name")
        )

    def newest_first(self):
        return self.order_by(F("published_at").desc(nulls_last=True), "name")

    def sorted_by(self, key: str):
        """Order by one of ``SORTS``; ties fall back to the name."""
        if key == "newest":
            return self.newest_first()
        if key == "name":
            return self.order_by("name")
        field = {"panel": "panel_rate", "score": "panel_mean", "community": "community_rate"}[key]
        return self.with_rates().order_by(F(field).desc(nulls_last=True), "name")

    def with_reader(self, user, saved: Collection[int] = ()):
        """Annotate what this reader has done to each tool, for the card's buttons.

        ``reader_vote`` is "ship", "skip" or None; ``reader_bookmarked`` is a bool. A member's
        come from their rows (no extra query: subqueries in the same SELECT); a signed-out
        reader has no vote and keeps bookmarks in the session, passed as ``saved`` tool ids.
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
        from reviews.models import Vote  # reviews.models imports this module

        return self.annotate(
            reader_vote=models.Subquery(
                Vote.objects.filter(tool=OuterRef("pk"), member=user).values("value")[:1]
            ),
            reader_bookmarked=models.Exists(
                Bookmark.objects.filter(tool=OuterRef("pk"), member=user)
            ),
        )

    def bookmarked_by(self, member):
        """The member's saved tools, most recently saved first."""
        return self.filter(bookmarks__member=member).order_by("-bookmarks__created_at")

    def matching(self, text: str):
        """A plain search over the words readers type; discovery refines the ranking."""
        words = text.split()
        query = Q()
        for word in words:
            query &= (
                Q(name__icontains=word)
                | Q(tagline__icontains=word)
                | Q(vendor__icontains=word)
                | Q(description__icontains=word)
                | Q(category__name__icontains=word)
            )
        return self.filter(query)


class Tool(models.Model):
    """A product being judged.

    The panel and community counts are kept on the row so that no page has to
    count reviews or votes: services update them in the transaction that
    changes a review or a vote, and ``reviews.tasks.recount_verdicts`` repairs
    any drift.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        FREEMIUM = "freemium", "Freemium"
        PAID = "paid", "Paid"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    tagline = models.CharField(
        "best for", max_length=160, help_text="One line: who or what this tool is best for."
    )
    description = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tools")
    vendor = models.CharField(max_length=120, blank=True)
    pricing_entry = models.CharField(
        "entry price", max_length=10, choices=Pricing, default=Pricing.FREE
    )
    pricing_detail = models.CharField(max_length=200, blank=True)
    license = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set on publishing when left empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panel_ships = models.PositiveIntegerField(default=0, editable=False)
    panel_skips = models.PositiveIntegerField(default=0, editable=False)
    panel_score_total = models.PositiveIntegerField(default=0, editable=False)
    community_ships = models.PositiveIntegerField(default=0, editable=False)
    community_skips = models.PositiveIntegerField(default=0, editable=False)

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="tool_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(panel_score_total__lte=100 * (F("panel_ships") + F("panel_skips"))),
                name="tool_panel_score_total_in_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tools:tool-detail", args=[self.slug])

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def initial(self) -> str:
        return self.name[:1].upper()

    @property
    def panel(self) -> PanelVerdict:
        return panel_verdict(
            ships=self.panel_ships, skips=self.panel_skips, score_total=self.panel_score_total
        )

    @property
    def community(self) -> CommunityVerdict:
        return community_verdict(ships=self.community_ships, skips=self.community_skips)


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
                fields=["member", "tool"], name="bookmark_one_per_member_and_tool"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} saved {self.tool}"
