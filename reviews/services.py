from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from reviews.models import Call, Review
from tools.models import Tool


def _review_aggregate(expression) -> Coalesce:
    rows = (
        Review.objects.counted()
        .filter(tool=OuterRef("pk"))
        .order_by()
        .values("tool")
        .annotate(value=expression)
        .values("value")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@transaction.atomic
def panel_recount(*, tool_ids: Iterable[int] | None = None) -> int:
    """Recompute the panel counts kept on tool rows from their reviews.

    One UPDATE for however many tools; with no ids, every tool. Returns the
    number of rows updated.
    """
    tools = Tool.objects.all() if tool_ids is None else Tool.objects.filter(pk__in=list(tool_ids))
    return tools.update(
        panel_ships=_review_aggregate(Count("pk", filter=Q(call=Call.SHIP))),
        panel_skips=_review_aggregate(Count("pk", filter=Q(call=Call.SKIP))),
        panel_score_total=_review_aggregate(Sum("score")),
    )


@transaction.atomic
def review_save(*, review: Review) -> Review:
    """Save a review and bring its tool's panel counts up to date in the same transaction."""
    review.full_clean()
    review.save()
    panel_recount(tool_ids=[review.tool_id])
    return review
