"""The embeddable badge, /tools/<slug>/badge.svg: valid SVG showing what the tool page shows,
cached until the verdict moves, and no more public than the tool."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils.dateformat import format as date_format
from django.utils.http import http_date

from core.badges import PANEL_FAVOURITE
from core.bidi import FSI, PDI
from reviews.models import Call
from reviews.services import review_save, vote_cast
from tests.factories import ReviewFactory, ToolFactory, UserFactory
from tools import embed
from tools.services import tool_save

SVG = "{http://www.w3.org/2000/svg}"


def parsed(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def texts(svg: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")]


@pytest.fixture
def reviewed(panel):
    """A tool three seats of four ship, with a mean of 81: the panel's favourite."""
    tool = ToolFactory(name="Alphawave", slug="alphawave")
    calls = [Call.SHIP, Call.SHIP, Call.SHIP, Call.SKIP]
    for persona, score, call in zip(panel, [85, 85, 85, 70], calls, strict=True):
        ReviewFactory(tool=tool, persona=persona, score=score, call=call)
    tool.refresh_from_db()
    return tool


def test_the_badge_is_an_accessible_svg_of_the_verdict(client: Client, reviewed):
    svg = parsed(client.get("/tools/alphawave/badge.svg"))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title = svg[0]
    assert title.tag == f"{SVG}title"
    day = date_format(reviewed.verdict_updated_at, "j M Y")
    assert title.text == (
        "Alphawave on Verdicts: the panel says Ship, 3 of 4 reviews ship, mean score 81/100; "
        f"verdict of {day}; Panel favourite."
    )
    assert texts(svg) == [
        "Alphawave",
        "✓ Ship · 3/4 · 81/100",
        f"Verdicts panel · updated {day}",
        "★ Panel favourite",
    ]


def test_it_shows_the_figures_the_tool_page_shows(client: Client, reviewed):
    page = client.get("/tools/alphawave/").content.decode()
    assert "<dd>Ship · 3 ship / 1 skip</dd>" in page and "<dd>81/100</dd>" in page
    shown = " ".join(texts(parsed(client.get("/tools/alphawave/badge.svg"))))
    assert "Ship · 3/4 · 81/100" in shown
    assert date_format(reviewed.verdict_updated_at, "j M Y") in page
    assert date_format(reviewed.verdict_updated_at, "j M Y") in shown


def test_a_tool_awaiting_the_panel_says_so_without_a_date(client: Client, db):
    ToolFactory(slug="fresh", name="Fresh")
    response = client.get("/tools/fresh/badge.svg")
    svg = parsed(response)
    assert texts(svg) == ["Fresh", "Awaiting panel", "Verdicts panel"]
    assert "Last-Modified" not in response


def test_its_headers_let_caches_keep_it_until_the_verdict_moves(client: Client, reviewed):
    response = client.get("/tools/alphawave/badge.svg")
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"] == http_date(reviewed.verdict_updated_at.timestamp())
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", f"max-age={embed.MAX_AGE}", f"stale-while-revalidate={embed.STALE_FOR}"} <= (
        directives
    )
    assert "s-maxage=600" in directives
    assert "Cookie" not in response.get("Vary", "")  # the same for every reader


def test_it_carries_the_surrogate_keys_of_the_tool_page(client: Client, reviewed):
    badge = client.get("/tools/alphawave/badge.svg")
    page = client.get("/tools/alphawave/")
    assert badge["xkey"] == page["xkey"] == "content tool%3Aalphawave"


def test_an_unchanged_badge_answers_304(client: Client, reviewed):
    first = client.get("/tools/alphawave/badge.svg")
    again = client.get("/tools/alphawave/badge.svg", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    assert again["xkey"] == first["xkey"]


def test_a_date_alone_never_answers_304(client: Client, reviewed):
    """A badge or a rename can change the picture without moving the verdict's date."""
    first = client.get("/tools/alphawave/badge.svg")
    since = client.get(
        "/tools/alphawave/badge.svg", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 200


def test_a_review_through_the_service_changes_the_etag(client: Client, reviewed):
    before = client.get("/tools/alphawave/badge.svg")["ETag"]
    review = reviewed.reviews.get(score=70)
    review.score = 90
    review_save(review=review)
    response = client.get("/tools/alphawave/badge.svg", headers={"If-None-Match": before})
    assert response.status_code == 200 and response["ETag"] != before
    assert "Ship · 3/4 · 86/100" in texts(parsed(response))[1]


def test_votes_change_the_etag_when_they_move_what_is_drawn(client: Client, reviewed):
    members = [UserFactory() for _ in range(10)]
    before = client.get("/tools/alphawave/badge.svg")["ETag"]
    vote_cast(member=members[0], tool=reviewed, value=Call.SHIP)
    assert client.get("/tools/alphawave/badge.svg")["ETag"] == before  # nothing drawn moved
    for member in members[1:]:
        vote_cast(member=member, tool=reviewed, value=Call.SHIP)
    response = client.get("/tools/alphawave/badge.svg", headers={"If-None-Match": before})
    assert response.status_code == 200 and response["ETag"] != before
    assert texts(parsed(response))[-1] == "★ Panel favourite · Community favourite"


def test_a_draft_has_no_public_badge(client: Client, editor):
    ToolFactory(name="Secret", slug="secret", draft=True)
    missing = client.get("/tools/secret/badge.svg")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
    client.force_login(editor)
    response = client.get("/tools/secret/badge.svg")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "xkey" not in response


def test_an_unknown_tool_is_the_sites_404(client: Client, db):
    response = client.get("/tools/nothing/badge.svg")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_renamed_tool_s_badge_follows_it(client: Client, reviewed):
    reviewed.slug = "alphawave-2"
    tool_save(tool=reviewed)
    response = client.get("/tools/alphawave/badge.svg")
    assert response.status_code == 301 and response["Location"] == "/tools/alphawave-2/badge.svg"


def test_head_and_post(client: Client, reviewed):
    assert client.head("/tools/alphawave/badge.svg").status_code == 200
    assert client.post("/tools/alphawave/badge.svg").status_code == 405


def test_markup_in_a_name_is_text_in_the_svg(client: Client, db):
    ToolFactory(name="Fish <&> \"Chips\" 'n' Co", slug="fish")
    response = client.get("/tools/fish/badge.svg")
    assert b"<&>" not in response.content
    svg = parsed(response)
    assert texts(svg)[0] == "Fish <&> \"Chips\" 'n' Co"
    assert svg[0].text.startswith("Fish <&> \"Chips\" 'n' Co on Verdicts")


def test_a_right_to_left_name_is_isolated_in_the_words(client: Client, db):
    ToolFactory(name="\u202egnirts", slug="rtl")
    svg = parsed(client.get("/tools/rtl/badge.svg"))
    assert texts(svg)[0] == "\u202egnirts"  # its own line: it turns round nothing else
    assert svg[0].text.startswith(f"{FSI}\u202egnirts{PDI} on Verdicts")


def test_what_xml_cannot_carry_is_left_out(client: Client, db):
    tool = ToolFactory(slug="bell")
    type(tool).objects.filter(pk=tool.pk).update(name="Bell\x07 AI")  # round the cleaning
    assert texts(parsed(client.get("/tools/bell/badge.svg")))[0] == "Bell AI"


def test_a_long_name_is_cut_to_fit(client: Client, db):
    ToolFactory(name="A" * 60, slug="long")
    svg = parsed(client.get("/tools/long/badge.svg"))
    assert texts(svg)[0] == "A" * (embed.NAME_LENGTH - 1) + "…"
    assert svg[0].text.startswith("A" * 60)


def test_the_tool_page_offers_the_badge_to_embed(client: Client, reviewed, settings):
    page = client.get("/tools/alphawave/").content.decode()
    assert 'href="/tools/alphawave/badge.svg"' in page
    assert f"&lt;img src=&quot;{settings.SITE_URL}/tools/alphawave/badge.svg" not in page
    assert f'&lt;img src="{settings.SITE_URL}/tools/alphawave/badge.svg"' in page
    assert PANEL_FAVOURITE.name in page
