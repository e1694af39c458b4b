"""A reader's weights on a page: read from the address, and put into the verdicts it shows.

The math is core/weights.py. Here the seats are the panel's (``Persona.objects.active()``,
or the seats a scorecard already read), the address's ``w`` is read and checked against
them, and a page's tools get their re-weighted verdicts (``Tool.panel_reweighted``).

Weights live in the address, so that a re-weighted page can be shared and is kept by the
caches once per weight set: ``?w=futurist:0,founder:2`` names the seats whose weight is not 1,
in the panel's order, and anything else that means the same (another order, ``builder:1``,
one ``w`` per seat as the form sends them) is sent there with a 301. ``?w=panel`` is the
panel's own weights, asked for by name: a member whose saved weights open every page
(``with_saved_weights``) reads the panel's own verdicts there.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path

from accounts.ownparts import weights_state
from core.errors import problem
from core.weights import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    PANEL_WEIGHTS,
    Judgment,
    WeightedPanelVerdict,
    Weights,
    WeightsRefused,
    weighted_panel,
    weights_parse,
)
from reviews.models import Call, Persona
from reviews.scorecard import ScorecardRow
from tools.models import Tool, ToolQuerySet
from tools.rates import percent_sql

PARAM = "w"
WEIGHT_CHOICES = range(MIN_WEIGHT, MAX_WEIGHT + 1)


@dataclass(frozen=True)
class Weighting:
    """The weights a page is seen with, and the panel they weigh."""

    weights: Weights
    seats: tuple[Persona, ...]

    @property
    def reweighted(self) -> bool:
        return not self.weights.is_panel

    @property
    def canonical(self) -> str:
        return self.weights.canonical

    @property
    def described(self) -> str:
        """ "Founder ×2, Futurist ×0"."""
        return self.weights.describe({seat.slug: seat.name for seat in self.seats})

    @property
    def choices(self) -> list[tuple[Persona, int]]:
        """Each seat with its weight, for the form."""
        return [(seat, self.weights.of(seat.slug)) for seat in self.seats]


def weighting_read(request: HttpRequest, seats: Sequence[Persona]) -> Weighting:
    """The weights the address names, checked against ``seats`` (the panel, in its order);
    none named is the panel's own. Raises WeightsRefused with the reason."""
    query = request.POST if request.method == "POST" else request.GET
    weights = weights_parse(query.getlist(PARAM), [seat.slug for seat in seats])
    return Weighting(weights, tuple(seats))


def weighting_about(weighting: Weighting) -> dict:
    """What the API says of the weights an answer was counted with (WeightsOut)."""
    described = weighting.described
    return {
        "w": weighting.canonical,
        "reweighted": weighting.reweighted,
        "described": described,
        "note": (
            f"Re-weighted view: {described}. Each panel figure counts a seat's review as many "
            "times as its weight; panel_own is the panel's own verdict."
            if weighting.reweighted
            else "The panel's own weights: every seat counts once."
        ),
    }


def weighted_address(request: HttpRequest, canonical: str) -> str:
    """The address the request asked for, with its weights spelled ``canonical`` and any
    other parameter kept as it came: ``/compare/?tools=a,b,c`` keeps its tools."""
    query = request.GET.copy()
    query.setlist(PARAM, [canonical])
    return f"{escape_uri_path(request.path)}?{query.urlencode(safe=':,')}"


def not_canonical(request: HttpRequest, weighting: Weighting) -> HttpResponse | None:
    """The 301 to the address that names these weights as the site spells them, when the
    request spelled them another way (the form sends one ``w`` per seat); else None."""
    values = request.GET.getlist(PARAM)
    if not values or values == [weighting.canonical]:
        return None
    return HttpResponseRedirect(weighted_address(request, weighting.canonical), status=301)


def weighting_or_answer(
    request: HttpRequest, seats: Sequence[Persona]
) -> "Weighting | HttpResponse":
    """The weights the address names (``weighting_read``), or the answer the page gives
    instead: the 400 that says why they are refused, or the 301 to their canonical spelling."""
    try:
        weighting = weighting_read(request, seats)
    except WeightsRefused as reason:
        return refused(request, reason)
    return not_canonical(request, weighting) or weighting


def refused(request: HttpRequest, reason: WeightsRefused) -> HttpResponse:
    """A 400 in the site's style that says what was wrong with the weights, with the way to
    the page with the panel's own; for htmx, the notice alone (core/errors.py)."""
    if getattr(request, "htmx", False):
        return problem(request, status=400, template="400.html", message=str(reason))
    context = {
        "problem": str(reason),
        "panel_address": weighted_address(request, PANEL_WEIGHTS.canonical),
        # A member's saved weights may be what was refused (a seat since retired): the page
        # offers to forget them (reviews/_weights_mine.html).
        "weights_mine": weights_state(request.user, PANEL_WEIGHTS.canonical),
    }
    return render(request, "reviews/weights_refused.html", context, status=400)


def judgments(rows: Sequence[ScorecardRow], column: int) -> list[Judgment]:
    """The reviews in one column of a scorecard (one tool), as the weights math reads them."""
    return [
        Judgment(row.persona.slug, review.call == Call.SHIP, review.score)
        for row in rows
        if (review := row.reviews[column]) is not None
    ]


def with_saved_weights(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page that can be re-weighted: a member who saved weights and opens it without
    any in the address is sent to it with theirs (302, for them alone), so the address always
    says which weights a page shows and the caches keep one page per weight set. Costs no
    query: the weights are on the member's row, read with the member."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        saved = getattr(request.user, "panel_weights", "") if request.user.is_authenticated else ""
        if saved and PARAM not in request.GET and request.method in ("GET", "HEAD"):
            query = request.GET.copy()
            query[PARAM] = saved
            response = HttpResponseRedirect(
                f"{escape_uri_path(request.path)}?{query.urlencode(safe=':,')}"
            )
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        return view(request, *args, **kwargs)

    return wrapper


# The weighted panel in SQL, for the rankings: the same integer arithmetic as core.weights,
# over each tool's reviews by seats on the panel, so a ranking by weighted figures is one
# query, whatever the number of tools.


def _weight(weights: Weights) -> Case | Value:
    whens = [When(reviews__persona__slug=seat, then=Value(w)) for seat, w in weights.changed]
    return Case(*whens, default=Value(1), output_field=IntegerField()) if whens else Value(1)


def with_weighted_panel(tools: ToolQuerySet, weights: Weights) -> ToolQuerySet:
    """Annotate each tool's weighted ships, skips and score total (``weighted_*``) and the
    weighted ship % and mean they make, ``weighted_pct`` and ``weighted_mean``."""
    counted = Q(reviews__persona__is_active=True)
    weight = _weight(weights)
    return tools.annotate(
        weighted_ships=Sum(weight, filter=counted & Q(reviews__call=Call.SHIP), default=0),
        weighted_skips=Sum(weight, filter=counted & Q(reviews__call=Call.SKIP), default=0),
        weighted_score=Sum(weight * F("reviews__score"), filter=counted, default=0),
    ).annotate(
        weighted_pct=percent_sql("weighted_ships", "weighted_ships", "weighted_skips"),
        weighted_mean=percent_sql("weighted_score", "weighted_ships", "weighted_skips", scale=100),
    )


WEIGHTED_ORDER = (
    F("weighted_pct").desc(nulls_last=True),
    F("weighted_mean").desc(nulls_last=True),
    F("community_pct").desc(nulls_last=True),
    "name",
)


def top_by_weighted_panel(tools: ToolQuerySet, weights: Weights) -> ToolQuerySet:
    """``ToolQuerySet.top_by_panel`` with the panel weighted: tools every seat has reviewed,
    by weighted ship %, then weighted mean, then community ship %."""
    return with_weighted_panel(tools.with_full_panel(), weights).order_by(*WEIGHTED_ORDER)


def top_by_panel_for(tools: ToolQuerySet, weighting: Weighting) -> ToolQuerySet:
    """``top_by_panel``, weighted when the reader re-weighted the panel."""
    if weighting.reweighted:
        return top_by_weighted_panel(tools, weighting.weights)
    return tools.top_by_panel()


def reweigh(tools: Sequence[Tool]) -> list[Tool]:
    """Put each tool's weighted verdict, as ``with_weighted_panel`` annotated it, in place of
    the panel's own for the page (``Tool.panel_reweighted``)."""
    for tool in tools:
        tool.panel_reweighted = WeightedPanelVerdict(
            ships=tool.weighted_ships, skips=tool.weighted_skips, score_total=tool.weighted_score
        )
    return list(tools)


def sorted_by_panel_for(tools: ToolQuerySet, weighting: Weighting) -> ToolQuerySet:
    """``sorted_by("panel")``, by the weighted figures when the reader re-weighted the panel.
    Unlike ``top_by_panel_for`` it keeps every tool, reviewed by the whole panel or not, as
    a shelf lists them all; tools with no review come last."""
    if weighting.reweighted:
        return with_weighted_panel(tools, weighting.weights).order_by(*WEIGHTED_ORDER)
    return tools.sorted_by("panel")


def reweigh_these(tools: Sequence[Tool], weighting: Weighting) -> None:
    """Give tools already read (the two of each comparison in a list) their weighted verdicts,
    ``Tool.panel_reweighted``, counted in one query whatever their number."""
    if not tools:
        return
    counted = Tool.objects.filter(pk__in={tool.pk for tool in tools}).only("pk")
    weighed = {tool.pk: tool for tool in reweigh(with_weighted_panel(counted, weighting.weights))}
    for tool in tools:
        tool.panel_reweighted = weighed[tool.pk].panel_reweighted


def reweigh_tool(tool: Tool, rows: Sequence[ScorecardRow], weighting: Weighting) -> Tool:
    """Put ``tool``'s verdict counted with the reader's weights in place of the panel's own,
    from its scorecard (``rows``, with the tool its one column): no query."""
    if weighting.reweighted:
        tool.panel_reweighted = weighted_panel(judgments(rows, 0), weighting.weights)
    return tool
