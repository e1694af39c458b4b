"""Each seat on the panel has a face (a mark, a colour from a fixed accessible palette, a
stance), and each review a one-line summary above its text wherever the panel is shown."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from reviews.models import Persona, Review, SeatColour
from reviews.services import persona_save, review_save
from tests.factories import ComparisonFactory, PersonaFactory, ReviewFactory, ToolFactory

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def _theme(css: str, dark: bool) -> dict[str, str]:
    block = css.split("@media (prefers-color-scheme: dark)")[1 if dark else 0].split("}")[0]
    found = re.findall(r"--([\w-]+):\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3});", block)
    long = {
        name: digits if len(digits) == 6 else "".join(d * 2 for d in digits)
        for name, digits in found
    }
    return {name: f"#{digits}" for name, digits in long.items()}


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_seat_colour_has_readable_ink_in_both_themes(dark):
    css = STYLESHEET.read_text()
    theme = _theme(css, dark)
    for colour in SeatColour.values:
        assert f".seat-mark--{colour} {{ background: var(--seat-{colour}); }}" in css
        assert contrast(theme[f"seat-{colour}"], theme["seat-ink"]) >= 4.5, colour
        # and it stands out from the cards it sits on
        assert contrast(theme[f"seat-{colour}"], theme["surface"]) >= 3, colour


def test_no_seat_colour_is_the_green_of_ship_or_the_red_of_skip():
    theme = _theme(STYLESHEET.read_text(), dark=False)
    seats = {theme[f"seat-{colour}"] for colour in SeatColour.values}
    assert not seats & {theme["ship"], theme["skip"], *(theme[f"s{i}"] for i in range(4))}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("colour", "neon", "is not a valid choice"),
        ("mark", "B u", "without spaces or invisible characters"),
        ("mark", "B\u202e", "without spaces or invisible characters"),
        ("mark", "Buil", "at most 3 characters"),
    ],
)
def test_a_seat_s_face_is_checked_when_saved(field, value, message):
    persona = Persona(name="Builder", slug="builder", lens="Developer experience.")
    setattr(persona, field, value)
    with pytest.raises(ValidationError, match=message):
        persona_save(persona=persona)


@pytest.mark.django_db
def test_the_database_refuses_a_colour_outside_the_palette():
    persona = PersonaFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Persona.objects.filter(pk=persona.pk).update(colour="neon")


@pytest.mark.django_db
def test_a_seat_without_a_mark_shows_its_initial():
    assert PersonaFactory(name="skeptic", mark="").badge == "S"
    assert PersonaFactory(name="Founder", mark="✦").badge == "✦"


@pytest.mark.django_db
def test_a_summary_and_a_stance_stay_one_line(panel):
    """A line break pasted into a one-line text becomes a space (core.text.CleanText)."""
    review = Review(tool=ToolFactory(), persona=panel[0], score=80, call="ship", body="Fine.")
    review.summary = "One line,\nthen another"
    review_save(review=review)
    review.refresh_from_db()
    assert review.summary == "One line, then another"
    panel[1].lens = "Two\nlines"
    persona_save(persona=panel[1])
    panel[1].refresh_from_db()
    assert panel[1].lens == "Two lines"


@pytest.fixture
def faces(db):
    builder = PersonaFactory(name="Builder", slug="builder", mark="Bu", colour="ocean", order=1)
    founder = PersonaFactory(name="Founder", slug="founder", mark="Fo", colour="gold", order=2)
    comparison = ComparisonFactory()
    for persona in (builder, founder):
        ReviewFactory(
            tool=comparison.tool_a,
            persona=persona,
            summary=f"{persona.name} in one line.",
            body=f"{persona.name} at length.",
        )
    return comparison


def _ordered(html: str, *texts: str) -> bool:
    at = [html.find(text) for text in texts]
    return -1 not in at and at == sorted(at)


@pytest.mark.django_db
def test_every_scorecard_shows_each_seat_s_face_and_each_summary_above_its_text(client, faces):
    tool = faces.tool_a
    for url in [faces.get_absolute_url(), tool.get_absolute_url(), "/panel/builder/"]:
        html = client.get(url).content.decode()
        summary = '<p class="review__summary">Builder in one line.</p>'
        assert _ordered(html, summary, '<div class="review__body"><p>Builder at length.'), url
        assert 'class="seat-mark seat-mark--ocean' in html and ">Bu</span>" in html, url
    html = client.get(faces.get_absolute_url()).content.decode()
    assert 'seat-mark--gold seat-mark--sm" aria-hidden="true">Fo</span>' in html


@pytest.mark.django_db
def test_the_panel_page_shows_each_seat_s_mark_colour_and_stance(client, faces):
    html = client.get("/panel/").content.decode()
    assert _ordered(html, ">Bu</span>", ">Builder</a>", ">Fo</span>", ">Founder</a>")
    assert "seat-mark--ocean" in html and "seat-mark--gold" in html


@pytest.mark.django_db
def test_the_api_gives_each_seat_s_face_and_each_review_s_summary(client, faces):
    [builder, _] = client.get("/api/personas/").json()
    assert (builder["mark"], builder["colour"]) == ("Bu", "ocean")
    [review, _] = client.get(f"/api/tools/{faces.tool_a.slug}/").json()["reviews"]
    assert review["summary"] == "Builder in one line."


@pytest.mark.django_db
def test_the_demo_panel_has_four_faces_and_every_review_a_summary():
    call_command("load_demo", verbosity=0)
    personas = list(Persona.objects.all())
    assert len({p.colour for p in personas}) == len({p.badge for p in personas}) == 4
    assert not Review.objects.filter(summary="").exists()
    assert all(len(summary) <= 160 for summary in Review.objects.values_list("summary", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_seats_a_face_each():
    executor = MigrationExecutor(connection)
    executor.migrate([("reviews", "0002_vote")])
    old = executor.loader.project_state([("reviews", "0002_vote")]).apps
    OldPersona = old.get_model("reviews", "Persona")
    for order, name in enumerate(["Builder", "Skeptic", "Futurist", "Founder"]):
        OldPersona.objects.create(name=name, slug=name.lower(), lens="A lens.", order=order)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    faces = list(Persona.objects.order_by("order").values_list("mark", "colour"))
    assert faces == [("B", "ocean"), ("S", "violet"), ("F", "gold"), ("Fo", "rose")]
