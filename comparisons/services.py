"""Writes to comparisons. Every page shows comparisons or may, so each moves CONTENT."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from comparisons.models import Comparison
from core.pagecache import CONTENT, bump, invalidates
from core.scoring import Candidate, pick


@invalidates(CONTENT)
def comparison_save(*, comparison: Comparison) -> Comparison:
    comparison.full_clean()
    comparison.save()
    picks_record(comparisons=Comparison.objects.filter(pk=comparison.pk))
    return comparison


def picks_record(*, comparisons: QuerySet[Comparison] | None = None) -> int:
    """Record the pick of each published comparison whose winner is not the one recorded.

    Picks are computed from the tools' kept counts, so a vote or a review may move one;
    ``comparisons.tasks.record_picks`` runs this every PICK_RECORD_INTERVAL seconds, and a
    comparison's save runs it for that one. Each record is an update of the comparison's
    pick fields, which the history (ComparisonEvent) keeps. Returns how many changed.
    """
    with transaction.atomic():
        rows = comparisons if comparisons is not None else Comparison.objects.all()
        rows = rows.filter(status=Comparison.Status.PUBLISHED).select_related("tool_a", "tool_b")
        changed = []
        for comparison in rows.select_for_update(of=("self",)).order_by("pk"):
            tools = comparison.tools
            candidates = [Candidate(t.name, t.panel, t.community) for t in tools]
            now = pick(candidates)
            winner = None if now.winner is None else tools[candidates.index(now.winner)]
            winner_id = winner.pk if winner else None
            if comparison.pick_since is None or comparison.pick_winner_id != winner_id:
                comparison.pick_winner, comparison.pick_reason = winner, now.reason
                comparison.pick_since = timezone.now()
                changed.append(comparison)
        fields = ["pick_winner", "pick_reason", "pick_since"]
        Comparison.objects.bulk_update(changed, fields)
        if changed:
            bump(CONTENT)  # pages say since when each pick has stood
    return len(changed)


@invalidates(CONTENT)
def comparisons_delete(*, comparisons: QuerySet[Comparison]) -> int:
    return comparisons.delete()[0]


@invalidates(CONTENT)
def comparisons_publish(*, comparisons: QuerySet[Comparison]) -> int:
    """Publish the drafts among ``comparisons`` now; returns how many were drafts."""
    drafts = comparisons.filter(status=Comparison.Status.DRAFT)
    count = drafts.update(status=Comparison.Status.PUBLISHED, published_at=timezone.now())
    picks_record(comparisons=comparisons)
    return count
