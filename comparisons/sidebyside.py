"""Tools side by side: the data behind a comparison page's scorecard and pick."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import F
from django.http import Http404

from comparisons.models import Comparison, pair_slug
from core.bidi import isolate
from core.charts import Chart, persona_scores_chart
from core.scoring import Candidate, Pick, PickChange, SeatCall, leader, pick, pick_changes
from core.weights import pick_weighted
from reviews.models import Call
from reviews.scorecard import ScorecardRow, scorecard
from reviews.weighting import Weighting, judgments
from tools.models import Tool, ToolQuerySet


@dataclass(frozen=True)
class SideBySide:
    tools: list[Tool]
    rows: list[ScorecardRow]
    pick: Pick
    candidates: list[Candidate]  # one per tool, in the tools' order
    # Seen with a reader's weights (``reweighed``): the weights, and the panel's own pick.
    weighting: Weighting | None = None
    panel_pick: Pick | None = None
    panel_candidates: list[Candidate] | None = None

    def reweighed(self, weighting: Weighting) -> "SideBySide":
        """The tools seen with ``weighting``: each one's panel verdict (its card, the Decision
        table) and the pick made again from them; the panel's own pick kept beside it. The
        reviews are the scorecard's, so this costs no query."""
        columns = [judgments(self.rows, i) for i in range(len(self.tools))]
        candidates, chosen = pick_weighted(self.candidates, columns, weighting.weights)
        for tool, candidate in zip(self.tools, candidates, strict=True):
            tool.panel_reweighted = candidate.panel
        return replace(
            self,
            candidates=candidates,
            pick=chosen,
            weighting=weighting,
            panel_pick=self.pick,
            panel_candidates=self.candidates,
        )

    @property
    def title(self) -> str:
        """ "A vs B vs C", each name isolated (core/bidi.py)."""
        return " vs ".join(isolate(tool.name) for tool in self.tools)

    @property
    def chart(self) -> Chart:
        return persona_scores_chart(
            [row.persona.name for row in self.rows],
            [tool.name for tool in self.tools],
            [[review.score if review else None for review in row.reviews] for row in self.rows],
        )

    @property
    def leaders(self) -> dict[str, int | None]:
        """For each measure the pick weighs, the position of the tool that leads on it alone
        (the Decision table marks it), or None."""
        return {
            "panel": leader([c.panel.ship_pct for c in self.candidates]),
            "score": leader([c.panel.mean_score for c in self.candidates]),
            "community": leader([c.community.ship_pct for c in self.candidates]),
        }

    @property
    def changes(self) -> list[PickChange]:
        """What would change the pick: for each other tool, the smallest change of each kind
        that would make it the pick (core.scoring.pick_changes). None in a re-weighted view:
        a point there is worth what its seat's weight makes it, which the sentences do not say."""
        if self.weighting is not None:
            return []
        seats = [
            [
                SeatCall(isolate(row.persona.name), review.score, ships=review.call == Call.SHIP)
                for row in self.rows
                if (review := row.reviews[column]) is not None
            ]
            for column in range(len(self.tools))
        ]
        named = [replace(c, name=isolate(c.name)) for c in self.candidates]
        return pick_changes(named, seats)

    @property
    def winner(self) -> Tool | None:
        """The tool the pick names: found by position, since two tools may share a name."""
        return self._named(self.pick, self.candidates)

    @property
    def panel_winner(self) -> Tool | None:
        """On a re-weighted page, the tool the panel's own pick names."""
        return self._named(self.panel_pick, self.panel_candidates) if self.panel_pick else None

    def _named(self, chosen: Pick, candidates: list[Candidate]) -> Tool | None:
        if chosen.winner is None:
            return None
        return next(
            tool
            for tool, candidate in zip(self.tools, candidates, strict=True)
            if candidate is chosen.winner
        )


def side_by_side(tools: Sequence[Tool]) -> SideBySide:
    candidates = [Candidate(name=t.name, panel=t.panel, community=t.community) for t in tools]
    return SideBySide(
        tools=list(tools), rows=scorecard(tools), pick=pick(candidates), candidates=candidates
    )


@dataclass(frozen=True)
class Pair:
    """The two tools a comparison URL names, in canonical order, with the editor's comparison."""

    tools: tuple[Tool, Tool]
    comparison: Comparison | None
    renamed: bool = False  # the URL named a tool by a slug it had before

    @property
    def slug(self) -> str:
        return pair_slug(self.tools[0].slug, self.tools[1].slug)

    @property
    def title(self) -> str:
        """ "A vs B", each name isolated so neither can turn round the rest (core/bidi.py)."""
        return " vs ".join(isolate(tool.name) for tool in self.tools)


def slug_splits(slug: str) -> list[tuple[str, str]]:
    """Every way to read ``slug`` as ``<a>-vs-<b>``; tool slugs may themselves hold "-vs-"."""
    splits = []
    start = 0
    while (at := slug.find("-vs-", start)) != -1:
        splits.append((slug[:at], slug[at + 4 :]))
        start = at + 1
    return splits


def pair_resolve(*, slug: str, user, among: ToolQuerySet | None = None) -> Pair:
    """The pair a comparison URL names, or Http404.

    The canonical order is the editor's, when an editor paired the two tools in
    a comparison the user may see; otherwise it is alphabetical by slug. Any
    two tools the user may see make a pair. ``among`` is the tools to look in,
    annotated as the page needs (all of them by default). A tool may be named by a slug
    it had before a rename (``renamed`` then says so), as links in sent newsletters are.
    """
    splits = slug_splits(slug)
    names = {name for split in splits for name in split}
    among = (Tool.objects.all() if among is None else among).visible_to(user).with_category()
    tools = {t.slug: t for t in among.filter(slug__in=names)}
    if not any(first in tools and second in tools for first, second in splits):
        formerly = among.filter(old_slugs__slug__in=names - tools.keys())
        tools |= {t.old_slug: t for t in formerly.annotate(old_slug=F("old_slugs__slug"))}
    for first, second in splits:
        if first in tools and second in tools and tools[first].pk != tools[second].pk:
            break
    else:
        raise Http404("No such comparison.")
    a, b = tools[first], tools[second]
    renamed = (first, second) != (a.slug, b.slug)
    comparison = Comparison.objects.visible_to(user).for_pair(a, b).first()
    if comparison is not None:
        ordered = (a, b) if comparison.tool_a_id == a.pk else (b, a)
        comparison.tool_a, comparison.tool_b = ordered
    else:
        ordered = (a, b) if a.slug < b.slug else (b, a)
    return Pair(tools=ordered, comparison=comparison, renamed=renamed)
