"""What tools and comparisons share about being published: a draft, or live from a date."""

from django.db import models
from django.utils import timezone


class PublishStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Publishable:
    """For a model with ``status`` (a PublishStatus) and ``published_at`` fields.

    Publishing without a date publishes now. ``clean()`` fills the date as well as
    ``save()``, because ``full_clean()`` checks the "published has a date" constraint
    before anything is saved: an admin form, a service and ``full_clean`` then agree.
    """

    def clean(self) -> None:
        super().clean()
        self.publish_date_fill()

    def save(self, *args, **kwargs):
        self.publish_date_fill()
        super().save(*args, **kwargs)

    def publish_date_fill(self) -> None:
        if self.status == PublishStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_live(self) -> bool:
        return (
            self.status == PublishStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )
