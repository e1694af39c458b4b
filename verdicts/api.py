"""The read-only JSON API under /api/, with its OpenAPI schema at /api/openapi.json."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, P, PathEx, Query, Schema
from ninja.pagination import PageNumberPagination, paginate

from reviews.models import Persona
from reviews.verdicts import CommunityVerdict, PanelVerdict
from tools.models import Tool
from verdicts.models import Comparison
from verdicts.sidebyside import pair_resolve, scorecard, side_by_side

api = NinjaAPI(
    title="Verdicts API",
    version="1",
    description="Read-only: tools, the panel's verdicts, comparisons and personas.",
    docs_url=None,
    urls_namespace="api",
)


# A slug as the site's own addresses have one. Anything else is a 422 before any lookup:
# PostgreSQL cannot even compare a string holding a NUL character.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=250)]


class Pagination(PageNumberPagination):
    """Ninja's page numbers, bounded so that no page asks PostgreSQL for an absurd OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)


class Error(Schema):
    detail: str


class InvalidInput(Schema):
    """Ninja's answer to query parameters that fail validation (HTTP 422)."""

    detail: list[dict]


class PanelOut(Schema):
    label: str
    ships: int
    skips: int
    reviews: int
    ship_pct: int | None
    mean_score: int | None
    summary: str

    @staticmethod
    def of(verdict: PanelVerdict) -> dict:
        return {
            "label": verdict.label,
            "ships": verdict.ships,
            "skips": verdict.skips,
            "reviews": verdict.reviews,
            "ship_pct": verdict.ship_pct,
            "mean_score": verdict.mean_score,
            "summary": verdict.summary,
        }


class CommunityOut(Schema):
    ships: int
    skips: int
    votes: int
    ship_pct: int | None
    summary: str

    @staticmethod
    def of(verdict: CommunityVerdict) -> dict:
        return {
            "ships": verdict.ships,
            "skips": verdict.skips,
            "votes": verdict.votes,
            "ship_pct": verdict.ship_pct,
            "summary": verdict.summary,
        }


class CategoryOut(Schema):
    slug: str
    name: str


class ToolOut(Schema):
    slug: str
    name: str
    tagline: str
    description: str
    category: CategoryOut
    vendor: str
    pricing_entry: str
    pricing_detail: str
    license: str
    website: str
    published_at: datetime | None
    url: str
    panel: PanelOut
    community: CommunityOut

    @staticmethod
    def resolve_url(tool: Tool) -> str:
        return tool.get_absolute_url()

    @staticmethod
    def resolve_panel(tool: Tool) -> dict:
        return PanelOut.of(tool.panel)

    @staticmethod
    def resolve_community(tool: Tool) -> dict:
        return CommunityOut.of(tool.community)


class ReviewOut(Schema):
    persona: str
    persona_name: str
    score: int
    call: str
    body: str


class ToolDetailOut(ToolOut):
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_reviews(tool: Tool) -> list[dict]:
        return tool.api_reviews


class VerdictOut(Schema):
    tool: str
    panel: PanelOut
    community: CommunityOut


class PickOut(Schema):
    winner: str | None
    reason: str


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


class PersonaOut(Schema):
    slug: str
    name: str
    lens: str
    order: int
    review_count: int
    ship_rate: int | None
    mean_score: int | None


class ToolFilters(Schema):
    q: str | None = Field(None, pattern=r"^[^\x00]*$")  # no NUL, as PostgreSQL takes none
    category: str | None = Field(None, pattern=SLUG_PATTERN, max_length=250)


@api.get("/tools/", response={200: list[ToolOut], 422: InvalidInput}, tags=["tools"])
@paginate(Pagination, page_size=20)
def tool_list(request: HttpRequest, filters: Query[ToolFilters]):
    tools = Tool.objects.published().with_category()
    if filters.category:
        tools = tools.filter(category__slug=filters.category)
    if filters.q and filters.q.strip():
        return tools.matching(filters.q[:100])
    return tools.order_by("name")


def _with_reviews(tool: Tool, rows, column: int) -> Tool:
    """Attach the tool's reviews, read off a scorecard's column, for ToolDetailOut."""
    tool.api_reviews = [
        {
            "persona": row.persona.slug,
            "persona_name": row.persona.name,
            "score": row.reviews[column].score,
            "call": row.reviews[column].call,
            "body": row.reviews[column].body,
        }
        for row in rows
        if row.reviews[column] is not None
    ]
    return tool


@api.get(
    "/tools/{slug}/", response={200: ToolDetailOut, 404: Error, 422: InvalidInput}, tags=["tools"]
)
def tool_detail(request: HttpRequest, slug: Slug):
    tool = get_object_or_404(Tool.objects.published().with_category(), slug=slug)
    return _with_reviews(tool, scorecard([tool]), 0)


@api.get(
    "/verdicts/{slug}/",
    response={200: VerdictOut, 404: Error, 422: InvalidInput},
    tags=["verdicts"],
)
def verdict_detail(request: HttpRequest, slug: Slug):
    tool = get_object_or_404(Tool.objects.published(), slug=slug)
    return {
        "tool": tool.slug,
        "panel": PanelOut.of(tool.panel),
        "community": CommunityOut.of(tool.community),
    }


@api.get(
    "/comparisons/", response={200: list[ComparisonOut], 422: InvalidInput}, tags=["comparisons"]
)
@paginate(Pagination, page_size=20)
def comparison_list(request: HttpRequest):
    return Comparison.objects.published().with_tools().newest_first()


@api.get(
    "/comparisons/{slug}/",
    response={200: ComparisonDetailOut, 404: Error, 422: InvalidInput},
    tags=["comparisons"],
)
def comparison_detail(request: HttpRequest, slug: Slug):
    """Any two published tools, as on the site: an editor's comparison or one made on demand."""
    pair = pair_resolve(slug=slug, user=AnonymousUser())  # public: never drafts
    sbs = side_by_side(pair.tools)
    comparison = pair.comparison
    return {
        "slug": pair.slug,
        "title": pair.title,
        "editor_note": comparison.editor_note if comparison else "",
        "published_at": comparison.published_at if comparison else None,
        "url": f"/compare/{pair.slug}/",
        "tools": [_with_reviews(tool, sbs.rows, i) for i, tool in enumerate(sbs.tools)],
        "pick": {"winner": sbs.winner.slug if sbs.winner else None, "reason": sbs.pick.reason},
    }


@api.get("/personas/", response=list[PersonaOut], tags=["panel"])
def persona_list(request: HttpRequest):
    return list(Persona.objects.active().with_record())


@api.get(
    "/personas/{slug}/", response={200: PersonaOut, 404: Error, 422: InvalidInput}, tags=["panel"]
)
def persona_detail(request: HttpRequest, slug: Slug):
    return get_object_or_404(Persona.objects.with_record(), slug=slug)
