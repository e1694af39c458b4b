"""Geometry for the SVG charts the templates draw. Plain numbers in, shapes out."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # which tool (or 0): picks the colour class
    value: int

    def __post_init__(self) -> None:
        # Tenths of a unit are plenty for the SVG, and keep the markup short.
        for name in ("x", "y", "width", "height"):
            object.__setattr__(self, name, round(getattr(self, name), 1))


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", round(self.x, 1))
        object.__setattr__(self, "y", round(self.y, 1))


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    summary: str = ""  # the text equivalent


LABEL_WIDTH = 90
BAR_HEIGHT = 14
GAP = 4
GROUP_GAP = 14


def persona_scores_chart(
    personas: list[str], tool_names: list[str], scores: list[list[int | None]], width: int = 640
) -> Chart:
    """Grouped horizontal bars: for each persona, one bar per tool, 0–100 across.

    ``scores[i][j]`` is persona i's score for tool j, or None without a review.
    """
    plot = width - LABEL_WIDTH - 40
    group = len(tool_names) * (BAR_HEIGHT + GAP) - GAP
    height = len(personas) * (group + GROUP_GAP) + 8
    chart = Chart(width=width, height=height)
    sentences = []
    for i, persona in enumerate(personas):
        top = 4 + i * (group + GROUP_GAP)
        chart.labels.append(Label(0, top + group / 2 + 4, persona))
        parts = []
        for j, score in enumerate(scores[i]):
            y = top + j * (BAR_HEIGHT + GAP)
            if score is None:
                chart.labels.append(Label(LABEL_WIDTH, y + BAR_HEIGHT - 3, "no review"))
                parts.append(f"{tool_names[j]} not reviewed")
                continue
            length = plot * score / 100
            chart.bars.append(Bar(LABEL_WIDTH, y, length, BAR_HEIGHT, j, score))
            chart.labels.append(Label(LABEL_WIDTH + length + 4, y + BAR_HEIGHT - 3, str(score)))
            parts.append(f"{tool_names[j]} {score}")
        sentences.append(f"{persona}: {', '.join(parts)}")
    chart.summary = "Scores out of 100. " + "; ".join(sentences) + "."
    return chart


def score_histogram(counts: list[int], width: int = 640, height: int = 180) -> Chart:
    """Vertical bars for ten score bands (0–9, 10–19, …, 90–100)."""
    bottom = height - 24
    tallest = max(counts, default=0) or 1
    slot = width / len(counts)
    chart = Chart(width=width, height=height)
    for i, count in enumerate(counts):
        bar_height = (bottom - 16) * count / tallest
        x = i * slot + 4
        chart.bars.append(Bar(x, bottom - bar_height, slot - 8, bar_height, 0, count))
        if count:
            chart.labels.append(
                Label(x + (slot - 8) / 2, bottom - bar_height - 4, str(count), "middle")
            )
        chart.labels.append(Label(x + (slot - 8) / 2, height - 6, band_label(i), "middle"))
    described = [f"{band_label(i)}: {c}" for i, c in enumerate(counts) if c]
    chart.summary = "Reviews by score band. " + ("; ".join(described) or "No reviews yet") + "."
    return chart


def band_label(band: int) -> str:
    return "90–100" if band == 9 else f"{band * 10}–{band * 10 + 9}"
