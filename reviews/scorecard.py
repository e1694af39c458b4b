"""The panel's scorecard: a row per seat, a column per tool."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

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
    """A row per seat on the panel, a column per tool. One query, whatever the tools: the
    seats, each joined to its reviews of these tools (a seat with none comes once, alone)."""
    tools = tuple(tools)
    by_pk = {tool.pk: tool for tool in tools}
    seat_fields = [f.attname for f in Persona._meta.concrete_fields]
    review_fields = [f.attname for f in Review._meta.concrete_fields]
    joined = (
        Persona.objects.active()
        .annotate(of_these=FilteredRelation("reviews", condition=Q(reviews__tool__in=by_pk)))
        .values_list(*seat_fields, *(f"of_these__{name}" for name in review_fields))
    )
    seats: dict[int, Persona] = {}
    reviews: dict[tuple[int, int], Review] = {}
    for values in joined:
        seat_values, review_values = values[: len(seat_fields)], values[len(seat_fields) :]
        seat = seats.get(seat_values[0]) or Persona.from_db("default", seat_fields, seat_values)
        seats[seat.pk] = seat
        if review_values[0] is not None:
            review = Review.from_db("default", review_fields, review_values)
            review.persona, review.tool = seat, by_pk[review.tool_id]
            reviews[(review.tool_id, seat.pk)] = review
    return [
        ScorecardRow(
            persona=seat, reviews=[reviews.get((t.pk, seat.pk)) for t in tools], tools=tools
        )
        for seat in seats.values()
    ]
