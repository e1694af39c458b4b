"""What tools and comparisons share about being published: a draft, or live from a date."""

from django.db import models
from django.utils import timezone


class PublishStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Publishable:
    """For a model with ``status`` (a PublishStatus) and ``published_at`` fields."""

    def save(self, *args, **kwargs):
        """Publishing without a date publishes now."""
        if self.status == PublishStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return (
            self.status == PublishStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )
