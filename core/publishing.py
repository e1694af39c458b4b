"""What tools and comparisons share about being published: a draft, or live from a date."""

from django.db import models
from django.utils import timezone


class PublishStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


# What the desk says beside the two fields, the same for tools and comparisons.
STATUS_HELP = (
    "A draft shows to editors only (“View on site” previews it); "
    "published shows to everyone from its date."
)
PUBLISHED_AT_HELP = (
    "When it goes live. Leave it empty to publish now; a later date keeps it hidden until then."
)


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
