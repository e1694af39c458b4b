"""Names with direction controls stay in their place in titles, pages and messages; ordinary
names come out exactly as typed."""

import pytest

from core.bidi import FSI, PDI, isolate
from tests.factories import ComparisonFactory, ToolFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.mark.parametrize(
    ("text", "isolated"),
    [
        ("SmolVLM2 Turbo", False),
        ("Café 🚀 2.0", False),
        (f"Evil{RLO}Tool", True),
        ("Tool\u2066open", True),
        ("כלי", True),  # right-to-left letters move neighbouring numbers and punctuation
        ("", False),
    ],
)
def test_isolate_wraps_only_texts_that_could_turn_round_their_neighbours(text, isolated):
    assert isolate(text) == (f"{FSI}{text}{PDI}" if isolated else text)


def test_a_comparison_title_isolates_each_name():
    comparison = ComparisonFactory(
        tool_a=ToolFactory(name=f"Evil{RLO}Tool"), tool_b=ToolFactory(name="Plain")
    )
    assert comparison.title == f"{FSI}Evil{RLO}Tool{PDI} vs Plain"


def test_the_page_title_and_heading_isolate_the_names(client):
    evil = ToolFactory(name=f"Evil{RLO}Tool", slug="evil")
    plain = ToolFactory(name="Plain", slug="plain", category=evil.category)
    html = client.get("/compare/evil-vs-plain/").content.decode()
    isolated = f"{FSI}Evil{RLO}Tool{PDI} vs Plain"
    assert f"<title>{isolated}: which one should you ship with? · Verdicts</title>" in html
    assert f"<h1>{isolated}</h1>" in html
    assert f"Evil{RLO}Tool vs" not in html
    html = client.get(plain.get_absolute_url()).content.decode()
    assert "<h1>Plain</h1>" in html


def test_the_bookmark_message_isolates_the_name(client):
    evil = ToolFactory(name=f"Evil{RLO}Tool", slug="evil")
    response = client.post("/tools/evil/bookmark/", {"saved": "1"}, follow=True)
    assert f"Saved {FSI}{evil.name}{PDI} to your bookmarks." in response.content.decode()


def test_the_feeds_isolate_the_names(client):
    evil = ToolFactory(name=f"Evil{RLO}Tool", slug="evil")
    evil.category.name = f"Shelf{RLO}Name"
    evil.category.save()
    ComparisonFactory(tool_a=evil, tool_b=ToolFactory(name="Plain", category=evil.category))
    feed = client.get("/feeds/comparisons/").content.decode()
    assert f"<title>{FSI}Evil{RLO}Tool{PDI} vs Plain</title>" in feed
    assert f"{FSI}Evil{RLO}Tool{PDI}: Awaiting panel" in feed
    feed = client.get(f"/feeds/categories/{evil.category.slug}/").content.decode()
    assert f"Verdicts: new {FSI}Shelf{RLO}Name{PDI} comparisons" in feed
