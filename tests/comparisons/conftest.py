"""Fixtures the comparison tests share."""

import datetime as dt

import pytest
from django.utils import timezone

from comparisons.models import Comparison
from reviews.models import Call
from tests.factories import (
    CategoryFactory,
    ComparisonFactory,
    PersonaFactory,
    ReviewFactory,
    ToolFactory,
    UserFactory,
    VoteFactory,
)


@pytest.fixture
def judged(panel):
    """Two reviewed tools an editor paired, with a few votes; and what readers must not see:
    a draft tool, a tool due out tomorrow, a draft comparison, a retired seat's review."""
    category = CategoryFactory(name="Developer Tools", slug="developer-tools")
    turbo = ToolFactory(
        name="SmolVLM2 Turbo",
        slug="smolvlm2-turbo",
        category=category,
        pricing_detail="Free / Open weights (Apache 2.0)",
        license="Apache 2.0",
    )
    mixtral = ToolFactory(
        name="Mistral 8x22B v2",
        slug="mistral-8x22b-v2",
        category=category,
        pricing_entry="paid",
        pricing_detail="From $2 per million tokens",
    )
    for persona, score in zip(panel, [85, 78, 82, 72], strict=True):
        ReviewFactory(tool=turbo, persona=persona, score=score, body=f"{persona} on turbo")
    for persona, score, call in zip(
        panel, [82, 75, 78, 55], ["ship", "ship", "ship", "skip"], strict=True
    ):
        ReviewFactory(
            tool=mixtral,
            persona=persona,
            score=score,
            call=call,
            body=f"{persona} on mixtral",
            summary=f"{persona} in one line",
        )
    for value in ["ship", "ship", "skip"]:
        VoteFactory(member=UserFactory(), tool=turbo, value=value)
    comparison = ComparisonFactory(tool_a=turbo, tool_b=mixtral, editor_note="Small against large.")
    secret = ToolFactory(name="Secret Model", slug="secret-model", category=category, draft=True)
    ReviewFactory(tool=secret, persona=panel[0], score=91, body="Secret praise")
    tomorrow = ToolFactory(
        name="Tomorrow Tool",
        slug="tomorrow-tool",
        category=category,
        published_at=timezone.now() + dt.timedelta(days=1),
    )
    fresh = ToolFactory(name="Fresh Tool", slug="fresh-tool", category=category)
    draft_pair = ComparisonFactory(
        tool_a=turbo,
        tool_b=fresh,
        editor_note="Not for readers yet.",
        status=Comparison.Status.DRAFT,
        published_at=None,
    )
    retired = PersonaFactory(name="Oracle", slug="oracle", order=9, is_active=False)
    ReviewFactory(tool=turbo, persona=retired, score=3, call="skip", body="Retired grumbling")
    return {
        "category": category,
        "turbo": turbo,
        "mixtral": mixtral,
        "fresh": fresh,
        "comparison": comparison,
        "draft_pair": draft_pair,
        "secret": secret,
        "tomorrow": tomorrow,
    }


# Alpha: Builder and Skeptic ship, Futurist and Founder skip; Beta the other way round. The
# panel's own pick is Beta, on the mean score; Builder ×3 makes it Alpha, on the ship rate.
SCORES = {
    "alpha": [("ship", 90), ("ship", 80), ("skip", 40), ("skip", 30)],
    "beta": [("skip", 50), ("skip", 55), ("ship", 85), ("ship", 75)],
}


@pytest.fixture
def pair(panel):
    return reviewed_pair(panel)


def reviewed_pair(seats) -> str:
    """Alpha vs Beta, reviewed by ``seats`` so that weights change the pick: its address."""
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    for tool in (alpha, beta):
        for seat, (call, score) in zip(seats, SCORES[tool.slug], strict=True):
            ReviewFactory(tool=tool, persona=seat, call=Call(call), score=score)
    ComparisonFactory(tool_a=alpha, tool_b=beta)
    return "/compare/alpha-vs-beta/"
