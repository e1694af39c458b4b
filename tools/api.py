"""The catalogue in the API: tools and their verdicts."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core.api import SLUG_PATTERN, InvalidInput, Pagination
from core.scoring import CommunityVerdict, PanelVerdict
from tools.models import Tool

router = Router()


class PanelOut(Schema):
    """A PanelVerdict, read off its attributes."""

    label: str
    ships: int
    skips: int
    reviews: int
    ship_pct: int | None
    mean_score: int | None
    summary: str


class CommunityOut(Schema):
    """A CommunityVerdict, read off its attributes."""

    ships: int
    skips: int
    votes: int
    ship_pct: int | None
    summary: str
    preliminary: bool = Field(
        description="Whether there are votes, but fewer than a ranking needs (needed)."
    )
    needed: int = Field(description="How many votes a community ranking needs.")
    firmness: str = Field(description="What would change the community's call, in a sentence.")


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
    relationship: str = Field(
        description="Anything Verdicts has with the tool's makers, as its page states it, "
        "or “None”."
    )
    published_at: datetime | None
    url: str
    panel: PanelOut
    community: CommunityOut

    @staticmethod
    def resolve_url(tool: Tool) -> str:
        return tool.get_absolute_url()

    @staticmethod
    def resolve_panel(tool: Tool) -> PanelVerdict:
        return tool.panel

    @staticmethod
    def resolve_community(tool: Tool) -> CommunityVerdict:
        return tool.community


class VerdictOut(Schema):
    """A tool's verdicts; the endpoint is reviews/api.py's, which may weight the panel's."""

    tool: str
    panel: PanelOut
    community: CommunityOut


class ToolFilters(Schema):
    q: str | None = Field(None, pattern=r"^[^\x00]*$")  # no NUL, as PostgreSQL takes none
    category: str | None = Field(None, pattern=SLUG_PATTERN, max_length=250)


@router.get("/tools/", response={200: list[ToolOut], 422: InvalidInput}, tags=["tools"])
@paginate(Pagination, page_size=20)
def tool_list(request: HttpRequest, filters: Query[ToolFilters]):
    tools = Tool.objects.published().with_category()
    if filters.category:
        tools = tools.filter(category__slug=filters.category)
    if filters.q and filters.q.strip():
        return tools.matching(filters.q[:100])
    return tools.order_by("name")
