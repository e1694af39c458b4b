"""Fixtures the comparison tests share."""

import pytest

from reviews.models import Call
from tests.factories import ComparisonFactory, ReviewFactory, ToolFactory

# Alpha: Builder and Skeptic ship, Futurist and Founder skip; Beta the other way round. The
# panel's own pick is Beta, on the mean score; Builder ×3 makes it Alpha, on the ship rate.
SCORES = {
    "alpha": [("ship", 90), ("ship", 80), ("skip", 40), ("skip", 30)],
    "beta": [("skip", 50), ("skip", 55), ("ship", 85), ("ship", 75)],
}


@pytest.fixture
def pair(panel):
    """Alpha vs Beta, reviewed so that weights change the pick: its page's address."""
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    for tool in (alpha, beta):
        for seat, (call, score) in zip(panel, SCORES[tool.slug], strict=True):
            ReviewFactory(tool=tool, persona=seat, call=Call(call), score=score)
    ComparisonFactory(tool_a=alpha, tool_b=beta)
    return "/compare/alpha-vs-beta/"
