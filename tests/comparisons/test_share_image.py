"""Share images: a link to a comparison or a tool previews as a card with its verdicts.

The cards are read back with OCR, as a person looking at the preview would read them, not
by the code that drew them.
"""

import io
import re

import pytest
from PIL import Image

from reviews.models import Call
from tests.factories import (
    ComparisonFactory,
    PersonaFactory,
    ReviewFactory,
    ToolFactory,
    VoteFactory,
)
from tests.support.ocr import image_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison():
    builder = PersonaFactory(name="Builder", slug="builder", order=1)
    skeptic = PersonaFactory(name="Skeptic", slug="skeptic", order=2)
    alpha = ToolFactory(name="Alphawave", slug="alphawave")
    beta = ToolFactory(name="Betamax", slug="betamax", category=alpha.category)
    ReviewFactory(tool=alpha, persona=builder, score=88, call=Call.SHIP)
    ReviewFactory(tool=alpha, persona=skeptic, score=76, call=Call.SHIP)
    ReviewFactory(tool=beta, persona=builder, score=64, call=Call.SHIP)
    ReviewFactory(tool=beta, persona=skeptic, score=40, call=Call.SKIP)
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def meta(html: str, name: str) -> str:
    [value] = re.findall(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    return value


def png_of(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def test_a_comparison_page_names_its_share_image(client, comparison, settings):
    html = client.get(comparison.get_absolute_url()).content.decode()
    url = f"{settings.SITE_URL}/compare/alphawave-vs-betamax/share.png"
    assert meta(html, "og:image") == url
    assert meta(html, "twitter:image") == url
    assert meta(html, "twitter:card") == "summary_large_image"
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
    alt = meta(html, "og:image:alt")
    assert "Alphawave: Ship, 82/100" in alt and "Betamax: Split, 52/100" in alt
    assert alt.endswith("Our pick: ship with Alphawave.")


def test_the_comparison_card_shows_the_names_the_verdicts_and_the_pick(client, comparison):
    image = png_of(client.get("/compare/alphawave-vs-betamax/share.png"))
    assert image.size == (1200, 630) and image.format == "PNG"
    text = image_text(client.get("/compare/alphawave-vs-betamax/share.png").content)
    assert "Alphawave vs Betamax" in text
    assert "82/100" in text and "52/100" in text
    assert "Ship" in text and "Split" in text
    assert "Panel: 2 ship, 0 skip" in text and "Panel: 1 ship, 1 skip" in text
    assert "Our pick: ship with Alphawave." in text


def test_a_tool_page_and_its_card(client, comparison, settings):
    html = client.get("/tools/betamax/").content.decode()
    assert meta(html, "og:image") == f"{settings.SITE_URL}/tools/betamax/share.png"
    image = png_of(client.get("/tools/betamax/share.png"))
    assert image.size == (1200, 630)
    text = image_text(client.get("/tools/betamax/share.png").content)
    assert "Betamax: ship or skip?" in text
    assert "The panel" in text and "Split" in text and "52/100" in text
    assert "Builder 64 ship" in text and "Skeptic 40 skip" in text


def test_the_card_changes_when_the_pick_does_and_not_before(client, comparison):
    url = "/compare/alphawave-vs-betamax/share.png"
    first = client.get(url)
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=3600"
    # The reader's copy is still right: 304, no image drawn.
    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""

    # Two more seats: both ship Betamax and skip Alphawave, so Betamax's 3 of 4 beats 2 of 4.
    for name in ("Futurist", "Founder"):
        seat = PersonaFactory(name=name, slug=name.lower())
        ReviewFactory(tool=comparison.tool_b, persona=seat, score=90, call=Call.SHIP)
        ReviewFactory(tool=comparison.tool_a, persona=seat, score=30, call=Call.SKIP)
    moved = client.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved["ETag"] != etag
    text = image_text(moved.content)
    assert "Our pick: ship with Betamax." in text


def test_a_card_for_a_pair_nobody_can_call_says_so(client):
    ToolFactory(name="Gamma", slug="gamma")
    ToolFactory(name="Delta", slug="delta")
    VoteFactory(tool=ToolFactory(name="Other"))
    text = image_text(client.get("/compare/delta-vs-gamma/share.png").content)
    assert "Delta vs Gamma" in text and "Awaiting panel" in text
    assert "Too close to call" in text


def test_a_long_name_is_cut_to_fit_its_column(client):
    ToolFactory(name="An Extraordinarily Long Tool Name For Testing Layout", slug="long")
    ToolFactory(name="Short", slug="short")
    image = png_of(client.get("/compare/long-vs-short/share.png"))
    text = image_text(client.get("/compare/long-vs-short/share.png").content)
    assert image.size == (1200, 630)
    assert "An Extraordinarily" in text and "Short" in text


def test_share_images_follow_canonical_and_renamed_addresses(client, comparison):
    backwards = client.get("/compare/betamax-vs-alphawave/share.png")
    assert backwards.status_code == 301
    assert backwards["Location"] == "/compare/alphawave-vs-betamax/share.png"
    assert client.get("/compare/alphawave-vs-nothing/share.png").status_code == 404
    assert client.get("/tools/nothing/share.png").status_code == 404
    assert client.head("/tools/alphawave/share.png").status_code == 200
    assert client.post("/tools/alphawave/share.png").status_code == 405


def test_a_draft_has_no_public_card(client, editor):
    ToolFactory(name="Secret", slug="secret", draft=True)
    assert client.get("/tools/secret/share.png").status_code == 404
    client.force_login(editor)
    response = client.get("/tools/secret/share.png")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
