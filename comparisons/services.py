"""Writes to comparisons. Every page shows comparisons or may, so each moves CONTENT."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comparisons.models import Comparison
from core import pagecache


@transaction.atomic
def comparison_save(*, comparison: Comparison) -> Comparison:
    comparison.full_clean()
    comparison.save()
    pagecache.bump(pagecache.CONTENT)
    return comparison


@transaction.atomic
def comparison_delete(*, comparison: Comparison) -> None:
    comparison.delete()
    pagecache.bump(pagecache.CONTENT)


@transaction.atomic
def comparisons_delete(*, comparisons: QuerySet[Comparison]) -> int:
    deleted, _ = comparisons.delete()
    pagecache.bump(pagecache.CONTENT)
    return deleted


@transaction.atomic
def comparisons_publish(*, comparisons: QuerySet[Comparison]) -> int:
    """Publish the drafts among ``comparisons`` now; returns how many were drafts."""
    count = comparisons.filter(status=Comparison.Status.DRAFT).update(
        status=Comparison.Status.PUBLISHED, published_at=timezone.now()
    )
    pagecache.bump(pagecache.CONTENT)
    return count
