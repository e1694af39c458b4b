"""Comparisons in the API: editors' pairs, and any two tools on demand."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from comparisons.models import Comparison
from comparisons.sidebyside import pair_resolve, side_by_side
from core.api import Error, InvalidInput, Pagination, Slug
from reviews.api import ToolDetailOut, with_reviews
from tools.renames import moved_permanently

router = Router()


class PickOut(Schema):
    winner: str | None
    reason: str
    changes: list[str] = Field(
        description="What would change the pick: for each other tool, the smallest change of "
        "each kind that would make it the pick, in a sentence."
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
    tools: list[ToolDetailOut]
    pick: PickOut


@router.get(
    "/comparisons/", response={200: list[ComparisonOut], 422: InvalidInput}, tags=["comparisons"]
)
@paginate(Pagination, page_size=20)
def comparison_list(request: HttpRequest):
    return Comparison.objects.published().with_tools().newest_first()


@router.get(
    "/comparisons/{slug}/",
    response={200: ComparisonDetailOut, 404: Error, 422: InvalidInput},
    tags=["comparisons"],
)
def comparison_detail(request: HttpRequest, slug: Slug):
    """Any two published tools, as on the site: an editor's comparison or one made on demand."""
    pair = pair_resolve(slug=slug, user=AnonymousUser())  # public: never drafts
    if pair.renamed:
        return moved_permanently(request, slug=pair.slug)
    sbs = side_by_side(pair.tools)
    comparison = pair.comparison
    return {
        "slug": pair.slug,
        "title": pair.title,
        "editor_note": comparison.editor_note if comparison else "",
        "published_at": comparison.published_at if comparison else None,
        "url": f"/compare/{pair.slug}/",
        "tools": [with_reviews(tool, sbs.rows, i) for i, tool in enumerate(sbs.tools)],
        "pick": {
            "winner": sbs.winner.slug if sbs.winner else None,
            "reason": sbs.pick.reason,
            "changes": [change.text for change in sbs.changes],
        },
    }
