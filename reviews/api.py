"""The panel in the API: a tool with its reviews and its history, and the personas."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api import Error, InvalidInput, Slug
from reviews import history
from reviews.models import Persona
from reviews.scorecard import ScorecardRow, scorecard
from tools.api import ToolOut
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


class ToolDetailOut(ToolOut):
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_reviews(tool: Tool) -> list[dict]:
        return tool.api_reviews


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
    "/tools/{slug}/", response={200: ToolDetailOut, 404: Error, 422: InvalidInput}, tags=["tools"]
)
@follows_tool_renames
def tool_detail(request: HttpRequest, slug: Slug):
    tool = get_object_or_404(Tool.objects.published().with_category(), slug=slug)
    return with_reviews(tool, scorecard([tool]), 0)


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
