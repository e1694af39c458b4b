import re

import pytest

from core.charts import persona_scores_chart, score_histogram


def test_persona_chart_bars_are_proportional_to_scores():
    chart = persona_scores_chart(["Builder", "Founder"], ["A", "B"], [[85, 82], [72, 55]])
    widths = [bar.width for bar in chart.bars]
    assert len(widths) == 4
    assert widths[0] / widths[3] == pytest.approx(85 / 55)
    assert [bar.series for bar in chart.bars] == [0, 1, 0, 1]
    assert chart.summary == "Scores out of 100. Builder: A 85, B 82; Founder: A 72, B 55."


def test_persona_chart_is_fluid_across_and_fixed_down():
    """Across, percentages of the width (the bar for 85 is 85% long); down, pixels."""
    chart = persona_scores_chart(["Builder"], ["A", "B"], [[85, 40]])
    assert [(bar.x, bar.width) for bar in chart.bars] == [(0, 85), (0, 40)]
    assert chart.bars[1].y - chart.bars[0].y == chart.bars[0].height + 4
    values = [label for label in chart.labels if label.kind == "value"]
    assert [(label.x, label.text) for label in values] == [(85, "85"), (40, "40")]
    assert [label.text for label in chart.labels if label.kind == "axis"] == ["0", "50", "100"]
    assert [rule.x for rule in chart.rules] == [0, 25, 50, 75, 100]


def test_persona_chart_says_when_a_seat_has_not_reviewed():
    chart = persona_scores_chart(["Skeptic"], ["A", "B"], [[None, 40]])
    assert len(chart.bars) == 1
    assert "no review" in [label.text for label in chart.labels]
    assert "A not reviewed" in chart.summary


def test_histogram_scales_to_the_tallest_band():
    counts = [0, 0, 0, 0, 0, 1, 2, 4, 2, 1]
    chart = score_histogram(counts)
    heights = [bar.height for bar in chart.bars]
    assert heights[7] == max(heights) and heights[0] == 0
    assert heights[6] == pytest.approx(heights[7] / 2)
    assert chart.summary.startswith("Reviews by score band. 50–59: 1; 60–69: 2; 70–79: 4")


def test_histogram_without_reviews():
    assert score_histogram([0] * 10).summary == "Reviews by score band. No reviews yet."


@pytest.mark.django_db
def test_pages_draw_the_charts_with_text_equivalents(client, demo):
    html = client.get("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/").content.decode()
    assert 'aria-label="Scores out of 100. Builder: SmolVLM2 Turbo 85, Mistral 8x22B v2 82;' in html
    # Rings are drawn round their number, which is real text: the ring itself is hidden.
    ring = r'<svg class="ring" [^>]*aria-hidden="true"[^>]*>.*?</svg>'
    ring += r'<strong class="ring-figure__value">'
    assert re.findall(ring + r"(\d+%)</strong>", html)[:2] == ["100%", "75%"]
    tool = client.get("/tools/claude-code/").content.decode()
    community = re.search(r'<span class="community-figure".*?</span></span>', tool, re.S).group(0)
    note = r'83%</strong></span>\s*<span class="figure__note">ship · 12 votes'
    assert re.search(ring + note, community)
    persona = client.get("/panel/founder/")
    assert 'aria-label="Reviews by score band.' in persona.content.decode()
    assert sum(persona.context["histogram"].bars[i].value for i in range(10)) == (
        persona.context["persona"].review_count
    )
