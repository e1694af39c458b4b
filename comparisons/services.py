"""Writes to comparisons. Every page shows comparisons or may, so each moves CONTENT."""

from django.db.models import QuerySet
from django.utils import timezone

from comparisons.models import Comparison
from core.pagecache import CONTENT, invalidates


@invalidates(CONTENT)
def comparison_save(*, comparison: Comparison) -> Comparison:
    comparison.full_clean()
    comparison.save()
    return comparison


@invalidates(CONTENT)
def comparisons_delete(*, comparisons: QuerySet[Comparison]) -> int:
    return comparisons.delete()[0]


@invalidates(CONTENT)
def comparisons_publish(*, comparisons: QuerySet[Comparison]) -> int:
    """Publish the drafts among ``comparisons`` now; returns how many were drafts."""
    drafts = comparisons.filter(status=Comparison.Status.DRAFT)
    return drafts.update(status=Comparison.Status.PUBLISHED, published_at=timezone.now())
