"""The panel in the API: a tool with its reviews and its history, and the personas."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, P, QueryEx, Router, Schema, Status

from core.api import Error, InvalidInput, Slug
from core.scoring import PanelVerdict
from core.weights import WeightsRefused
from reviews import history
from reviews.models import Persona
from reviews.scorecard import ScorecardRow, scorecard
from reviews.weighting import (
    PARAM,
    Weighting,
    reweigh_tool,
    weighting_about,
    weighting_read,
)
from tools.api import PanelOut, ToolOut, VerdictOut
from tools.models import Tool
from tools.renames import follows_renames, follows_tool_renames, renamed_from

router = Router()


class ReviewOut(Schema):
    persona: str
    persona_name: str
    score: int
    call: str
    summary: str
    body: str


class WeightsOut(Schema):
    """The weights an answer's panel figures were counted with (``?w=``)."""

    w: str = Field(description="As the site's addresses spell them: founder:2 or panel")
    reweighted: bool
    described: str = Field(description="Founder ×2, Futurist ×0; empty for the panel's own")
    note: str


# ``w`` as the pages read it: seat:weight items (0 to 3) for the seats that don't count once.
WEIGHTS_HELP = (
    "Your weights for the panel's seats, seat:weight with weights 0 to 3, comma-separated "
    "(founder:2,futurist:0); seats left out count once; panel: the panel's own. The panel "
    "figures and the pick are then counted with them, and weights says so."
)

Weights = QueryEx[str | None, P(description=WEIGHTS_HELP)]


class ToolDetailOut(ToolOut):
    reviews: list[ReviewOut]
    panel_own: PanelOut

    @staticmethod
    def resolve_reviews(tool: Tool) -> list[dict]:
        return tool.api_reviews

    @staticmethod
    def resolve_panel_own(tool: Tool) -> PanelVerdict:
        return tool.panel_own


class WeightedToolOut(ToolDetailOut):
    weights: WeightsOut

    @staticmethod
    def resolve_weights(tool: Tool) -> dict:
        return tool.api_weights


class PersonaOut(Schema):
    slug: str
    name: str
    mark: str
    colour: str
    lens: str
    order: int
    review_count: int
    ship_rate: int | None
    mean_score: int | None

    @staticmethod
    def resolve_mark(persona: Persona) -> str:
        return persona.badge  # what its badge shows, the name's initial when no mark is set


def with_reviews(tool: Tool, rows: list[ScorecardRow], column: int) -> Tool:
    """Attach the tool's reviews, read off a scorecard's column, for ToolDetailOut."""
    tool.api_reviews = [
        {
            "persona": row.persona.slug,
            "persona_name": row.persona.name,
            "score": row.reviews[column].score,
            "call": row.reviews[column].call,
            "summary": row.reviews[column].summary,
            "body": row.reviews[column].body,
        }
        for row in rows
        if row.reviews[column] is not None
    ]
    return tool


@router.get(
    "/tools/{slug}/",
    response={200: WeightedToolOut, 400: Error, 404: Error, 422: InvalidInput},
    tags=["tools"],
)
@follows_tool_renames
def tool_detail(request: HttpRequest, slug: Slug, w: Weights = None):
    """A tool with its reviews; with ``w``, its panel verdict counted with those weights."""
    tool = get_object_or_404(Tool.objects.published().with_category(), slug=slug)
    rows = scorecard([tool])
    weighting = _weighed(request, tool, rows)
    if isinstance(weighting, Status):
        return weighting
    tool.api_weights = weighting_about(weighting)
    return with_reviews(tool, rows, 0)


def _weighed(request: HttpRequest, tool: Tool, rows: list[ScorecardRow]) -> "Weighting | Status":
    """The weights ``w`` names for the seats of ``rows``, with ``tool``'s panel verdict
    counted with them (``tool.panel``; ``tool.panel_own`` the panel's); or the 400 that
    says why they are refused."""
    try:
        weighting = weighting_read(request, [row.persona for row in rows])
    except WeightsRefused as reason:
        return Status(400, {"detail": str(reason)})
    reweigh_tool(tool, rows, weighting)
    return weighting


class WeightedVerdictOut(VerdictOut):
    panel_own: PanelOut = Field(description="The panel's own verdict, whatever the weights")
    weights: WeightsOut


@router.get(
    "/verdicts/{slug}/",
    response={200: WeightedVerdictOut, 400: Error, 404: Error, 422: InvalidInput},
    tags=["verdicts"],
)
@follows_tool_renames
def verdict_detail(request: HttpRequest, slug: Slug, w: Weights = None):
    """A tool's panel and community verdicts; with ``w``, the panel's counted with those
    weights. It lives here, not with the catalogue, to read the panel's seats for them."""
    tool = get_object_or_404(Tool.objects.published(), slug=slug)
    # The seats and the reviews are read only for weights: without, the tool's row says it all.
    rows = scorecard([tool]) if PARAM in request.GET else []
    weighting = _weighed(request, tool, rows)
    if isinstance(weighting, Status):
        return weighting
    return {
        "tool": tool.slug,
        "panel": tool.panel,
        "panel_own": tool.panel_own,
        "community": tool.community,
        "weights": weighting_about(weighting),
    }


@router.get("/personas/", response=list[PersonaOut], tags=["panel"])
def persona_list(request: HttpRequest):
    return list(Persona.objects.active().with_record())


@router.get(
    "/personas/{slug}/", response={200: PersonaOut, 404: Error, 422: InvalidInput}, tags=["panel"]
)
@follows_renames(renamed_from(Persona))
def persona_detail(request: HttpRequest, slug: Slug):
    return get_object_or_404(Persona.objects.with_record(), slug=slug)


class ChangeOut(Schema):
    """One dated change of a tool's verdicts or price (reviews.history.Change)."""

    at: datetime
    kind: str
    subject: str
    what: str
    line: str
    correction: str


@router.get(
    "/tools/{slug}/history/",
    response={200: list[ChangeOut], 404: Error, 422: InvalidInput},
    tags=["tools"],
)
@follows_tool_renames
def tool_history(request: HttpRequest, slug: Slug):
    """Every change to the tool's reviews, calls, price and listing, newest first."""
    return history.tool_history(get_object_or_404(Tool.objects.published(), slug=slug))
