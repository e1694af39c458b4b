"""Geometry for the SVG charts the templates draw. Plain numbers in, shapes out.

The charts are fluid: across, every position is a percentage of the chart's width; down,
positions are pixels. The SVG has no viewBox to scale, so its text stays the size the
stylesheet gives it on a 360 px phone and on a wide screen alike, and only the bars stretch.
"""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    x: float  # % of the width
    y: float  # px
    width: float  # % of the width
    height: float  # px
    series: int  # which tool (or 0): picks the colour class
    value: int


@dataclass(frozen=True)
class Label:
    x: float  # % of the width
    y: float  # px, the baseline
    text: str
    anchor: str = "start"
    dx: float = 0  # px, a nudge from x
    kind: str = ""  # a modifier class: "name", "value", "axis", "empty"


@dataclass(frozen=True)
class Rule:
    """A vertical grid line at x% from y1 to y2 (px)."""

    x: float
    y1: float
    y2: float


@dataclass
class Chart:
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    baseline: float | None = None  # px: a horizontal line across the foot of the bars
    summary: str = ""  # the text equivalent


NAME_HEIGHT = 20  # the persona's name above its bars
BAR_HEIGHT = 12
GAP = 4
GROUP_GAP = 14
AXIS_HEIGHT = 20
NAME_CHARS = 28  # SVG text cannot wrap: a longer name is cut short (the summary keeps it whole)


def fitted(text: str, limit: int = NAME_CHARS) -> str:
    """``text`` as a chart can draw it on a phone: at most ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def persona_scores_chart(
    personas: list[str], tool_names: list[str], scores: list[list[int | None]]
) -> Chart:
    """Grouped horizontal bars: for each persona, its name, then one bar per tool, 0–100 across.

    ``scores[i][j]`` is persona i's score for tool j, or None without a review. The score is
    written just past the end of its bar (the page leaves room right of 100 for it).
    """
    group = NAME_HEIGHT + len(tool_names) * (BAR_HEIGHT + GAP) - GAP
    plot_bottom = len(personas) * (group + GROUP_GAP) - GROUP_GAP
    chart = Chart(height=plot_bottom + AXIS_HEIGHT)
    chart.rules = [Rule(x, NAME_HEIGHT - 4, plot_bottom + 4) for x in (0, 25, 50, 75, 100)]
    sentences = []
    for i, persona in enumerate(personas):
        top = i * (group + GROUP_GAP)
        chart.labels.append(Label(0, top + 14, fitted(persona), kind="name"))
        parts = []
        for j, score in enumerate(scores[i]):
            y = top + NAME_HEIGHT + j * (BAR_HEIGHT + GAP)
            if score is None:
                chart.labels.append(Label(0, y + BAR_HEIGHT - 2, "no review", dx=4, kind="empty"))
                parts.append(f"{tool_names[j]} not reviewed")
                continue
            chart.bars.append(Bar(0, y, score, BAR_HEIGHT, j, score))
            chart.labels.append(Label(score, y + BAR_HEIGHT - 2, str(score), dx=5, kind="value"))
            parts.append(f"{tool_names[j]} {score}")
        sentences.append(f"{persona}: {', '.join(parts)}")
    for x, anchor in ((0, "start"), (50, "middle"), (100, "end")):
        chart.labels.append(Label(x, plot_bottom + AXIS_HEIGHT - 4, str(x), anchor, kind="axis"))
    chart.summary = "Scores out of 100. " + "; ".join(sentences) + "."
    return chart


HISTOGRAM_HEIGHT = 170


def score_histogram(counts: list[int], height: int = HISTOGRAM_HEIGHT) -> Chart:
    """Vertical bars for ten score bands (0–9, 10–19, …, 90–100), each labelled by its floor."""
    bottom = height - AXIS_HEIGHT
    tallest = max(counts, default=0) or 1
    slot = 100 / len(counts)
    chart = Chart(height=height, baseline=bottom)
    for i, count in enumerate(counts):
        bar_height = (bottom - 18) * count / tallest
        x = i * slot + slot * 0.1
        centre = i * slot + slot / 2
        chart.bars.append(Bar(x, bottom - bar_height, slot * 0.8, bar_height, 0, count))
        if count:
            chart.labels.append(
                Label(centre, bottom - bar_height - 5, str(count), "middle", kind="value")
            )
        chart.labels.append(Label(centre, height - 4, str(i * 10), "middle", kind="axis"))
    described = [f"{band_label(i)}: {c}" for i, c in enumerate(counts) if c]
    chart.summary = "Reviews by score band. " + ("; ".join(described) or "No reviews yet") + "."
    return chart


def band_label(band: int) -> str:
    return "90–100" if band == 9 else f"{band * 10}–{band * 10 + 9}"


@dataclass(frozen=True)
class Timeline:
    """Two ship rates over time, as SVG polyline points in a 100 × 100 box (x: time, y: 100
    less the rate), for an SVG that stretches the box to its width."""

    panel: str
    community: str
    start: dt.date
    end: dt.date
    summary: str


def _points(days, values) -> str:
    pairs = zip(days, values, strict=True)
    return " ".join(f"{x:.1f},{100 - v:.1f}" for x, v in pairs if v is not None)


def timeline(points: list[tuple[dt.date, int | None, int | None]]) -> Timeline | None:
    """``points``: (day, panel %, community %), oldest first. None with fewer than two days."""
    if len(points) < 2:
        return None
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    xs = [100 * (day - first).days / span for day, _, _ in points]
    panel = [p for _, p, _ in points]
    community = [c for _, _, c in points]

    def said(name: str, values) -> str:
        known = [v for v in values if v is not None]
        return f"{name} {known[0]}% to {known[-1]}%" if known else f"{name}: no figure yet"

    summary = (
        f"Ship rates from {first:%-d %b %Y} to {last:%-d %b %Y}: "
        f"{said('panel', panel)}, {said('community', community)}."
    )
    return Timeline(_points(xs, panel), _points(xs, community), first, last, summary)
