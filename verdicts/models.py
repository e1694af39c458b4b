from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

from tools.models import Tool, live_q


class UserManager(DjangoUserManager):
    """Members sign in with their email address; there is no username."""

    def _create_user_object(self, username, email, password, **extra_fields):
        # Django's manager passes the USERNAME_FIELD value as ``username``.
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField("display name", max_length=80, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email.split("@")[0]


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

    def with_tools(self):
        return self.select_related("tool_a__category", "tool_b__category")

    def newest_first(self):
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")


class Comparison(models.Model):
    """An editor's pairing of two different tools, in the order the editor titles it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    tool_a = models.ForeignKey(
        Tool, on_delete=models.PROTECT, related_name="comparisons_as_a", verbose_name="first tool"
    )
    tool_b = models.ForeignKey(
        Tool, on_delete=models.PROTECT, related_name="comparisons_as_b", verbose_name="second tool"
    )
    editor_note = models.TextField(
        "editor's note", blank=True, help_text="Shown under the title. Plain text."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Set on publishing when left empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComparisonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tool_a=F("tool_b")), name="comparison_two_different_tools"
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

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("compare:detail", args=[self.slug])

    @property
    def title(self) -> str:
        return f"{self.tool_a.name} vs {self.tool_b.name}"

    @property
    def slug(self) -> str:
        return pair_slug(self.tool_a.slug, self.tool_b.slug)

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def tools(self) -> tuple[Tool, Tool]:
        return (self.tool_a, self.tool_b)


def pair_slug(first: str, second: str) -> str:
    return f"{first}-vs-{second}"
