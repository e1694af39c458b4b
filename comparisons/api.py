"""Comparisons in the API: editors' pairs, and any two tools on demand."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from comparisons.models import Comparison
from comparisons.sidebyside import pair_resolve, side_by_side
from core.api import Error, InvalidInput, Pagination, Slug
from core.weights import WeightsRefused
from reviews.api import WeightedToolOut, Weights, WeightsOut, with_reviews
from reviews.weighting import weighting_about, weighting_read
from tools.renames import moved_permanently

router = Router()


class PickOut(Schema):
    winner: str | None
    reason: str
    changes: list[str] = Field(
        default_factory=list,
        description="What would change the pick: for each other tool, the smallest change of "
        "each kind that would make it the pick, in a sentence. Empty for a re-weighted pick, "
        "and for the panel's own pick beside one.",
    )


class ComparisonOut(Schema):
    slug: str
    title: str
    tools: list[str]
    editor_note: str
    published_at: datetime | None
    url: str

    @staticmethod
    def resolve_tools(comparison: Comparison) -> list[str]:
        return [tool.slug for tool in comparison.tools]

    @staticmethod
    def resolve_url(comparison: Comparison) -> str:
        return comparison.get_absolute_url()


class ComparisonDetailOut(Schema):
    slug: str
    title: str
    editor_note: str
    published_at: datetime | None
    url: str
    tools: list[WeightedToolOut]
    pick: PickOut
    panel_pick: PickOut | None = Field(None, description="With w: the panel's own pick")
    weights: WeightsOut


@router.get(
    "/comparisons/", response={200: list[ComparisonOut], 422: InvalidInput}, tags=["comparisons"]
)
@paginate(Pagination, page_size=20)
def comparison_list(request: HttpRequest):
    return Comparison.objects.published().with_tools().newest_first()


@router.get(
    "/comparisons/{slug}/",
    response={200: ComparisonDetailOut, 400: Error, 404: Error, 422: InvalidInput},
    tags=["comparisons"],
)
def comparison_detail(request: HttpRequest, slug: Slug, w: Weights = None):
    """Any two published tools, as on the site: an editor's comparison or one made on demand.
    With ``w``, the panel figures and the pick are counted with those weights."""
    pair = pair_resolve(slug=slug, user=AnonymousUser())  # public: never drafts
    if pair.renamed:
        return moved_permanently(request, slug=pair.slug)
    sbs = side_by_side(pair.tools)
    try:
        weighting = weighting_read(request, [row.persona for row in sbs.rows])
    except WeightsRefused as reason:
        return Status(400, {"detail": str(reason)})
    if weighting.reweighted:
        sbs = sbs.reweighed(weighting)
    about = weighting_about(weighting)
    for tool in sbs.tools:
        tool.api_weights = about
    comparison = pair.comparison
    return {
        "slug": pair.slug,
        "title": pair.title,
        "editor_note": comparison.editor_note if comparison else "",
        "published_at": comparison.published_at if comparison else None,
        "url": f"/compare/{pair.slug}/",
        "tools": [with_reviews(tool, sbs.rows, i) for i, tool in enumerate(sbs.tools)],
        "pick": {**_pick(sbs.winner, sbs.pick), "changes": [c.text for c in sbs.changes]},
        "panel_pick": _pick(sbs.panel_winner, sbs.panel_pick) if sbs.panel_pick else None,
        "weights": about,
    }


def _pick(winner, chosen) -> dict:
    return {"winner": winner.slug if winner else None, "reason": chosen.reason}
