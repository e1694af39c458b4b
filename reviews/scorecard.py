"""The panel's scorecard: a row per seat, a column per tool."""

from collections.abc import Sequence
from dataclasses import dataclass

from reviews.models import Persona, Review
from tools.models import Tool


@dataclass(frozen=True)
class ScorecardRow:
    persona: Persona
    reviews: list[Review | None]  # one per tool, in the tools' order
    tools: tuple[Tool, ...] = ()

    @property
    def cells(self) -> list[tuple[Tool, Review | None]]:
        """Each tool with this seat's review of it, for a cell that names its tool."""
        return list(zip(self.tools, self.reviews, strict=True))


def scorecard(tools: Sequence[Tool]) -> list[ScorecardRow]:
    """A row per seat on the panel, a column per tool. Two queries, whatever the tools."""
    personas = list(Persona.objects.active())
    reviews = Review.objects.counted().filter(tool__in=tools)
    by_key = {(r.tool_id, r.persona_id): r for r in reviews}
    return [
        ScorecardRow(
            persona=p, reviews=[by_key.get((t.pk, p.pk)) for t in tools], tools=tuple(tools)
        )
        for p in personas
    ]
