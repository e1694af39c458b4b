"""Control characters (what pasting from a word processor brings: U+000B, U+000C, …) are
cleaned out of every text field when it is saved, keeping a text's tabs and line breaks;
and whatever the database already holds, every feed, sitemap and JSON answer still serves.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.test import Client

from comparisons.models import Comparison
from reviews.models import Persona, Review
from reviews.services import persona_save, review_save
from tests.factories import (
    CategoryFactory,
    ComparisonFactory,
    PersonaFactory,
    ReviewFactory,
    ToolFactory,
)
from tests.support.admin import admin_errors, admin_form
from tests.support.markup import Markup
from tools.models import Category, Tool
from tools.services import category_save, tool_save

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}
# Every C0 control PostgreSQL stores (NUL it refuses), DEL, C1 controls, XML's non-characters.
CONTROLS = "".join(map(chr, range(1, 32))) + "\x7f\x85\x9f\ufffe\uffff"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what XML 1.0 cannot carry


def test_text_of_many_lines_keeps_tabs_and_breaks_and_loses_controls():
    from core.text import text_clean

    pasted = "First line\x0bsecond line\tafter a tab\r\n\x0cNext page\x07\x00\x1b[0m\ufeff."
    assert text_clean(pasted, multiline=True) == (
        "First line\nsecond line\tafter a tab\r\n\nNext page[0m\ufeff."
    )


def test_text_of_one_line_has_spaces_for_breaks_and_tabs():
    from core.text import text_clean

    assert text_clean("Cursor\x0bPro\tMax\n\x01", multiline=False) == "Cursor Pro Max"


def test_saving_a_tool_cleans_every_text_field():
    tool = ToolFactory.build(
        category=CategoryFactory(),
        name="Smol\x0bVLM\x00",
        tagline="Teams\x07 on\ta budget",
        description="One paragraph.\x0bA soft break.\n\nAnother\tparagraph.\x1f",
        vendor="Acme\x85AI",
        pricing_detail="Free\x0c",
        license="MIT\x7f",
    )
    tool_save(tool=tool)
    tool.refresh_from_db()
    assert (tool.name, tool.tagline, tool.vendor, tool.pricing_detail, tool.license) == (
        "Smol VLM",
        "Teams on a budget",
        "Acme AI",
        "Free",
        "MIT",
    )
    assert tool.description == "One paragraph.\nA soft break.\n\nAnother\tparagraph."


def test_every_service_that_saves_text_cleans_it(panel):
    category = category_save(
        category=Category(name="Dev\x0bTools", slug="dev", description="a\x0b")
    )
    persona = persona_save(persona=Persona(name="Critic\x01", slug="critic", lens="Looks\x0bhard"))
    review = review_save(
        review=Review(tool=ToolFactory(), persona=panel[0], score=50, call="ship", body="a\x0bb")
    )
    comparison = ComparisonFactory.build(
        tool_a=ToolFactory(), tool_b=ToolFactory(), editor_note="Both\x0bwork.\x1b"
    )
    from comparisons.services import comparison_save

    comparison_save(comparison=comparison)
    assert (category.name, category.description) == ("Dev Tools", "a")
    assert (persona.name, persona.lens) == ("Critic", "Looks hard")
    assert review.body == "a\nb"
    assert Comparison.objects.get(pk=comparison.pk).editor_note == "Both\nwork."


def test_pasting_into_the_admin_form_stores_clean_text(client, editor):
    tool = ToolFactory()
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    data.update(name="Pasted\x0bName", description="Line one\x0bline two\n\nA\tB\x0cC")
    response = client.post(url, data)
    assert admin_errors(response) == []
    tool.refresh_from_db()
    assert (tool.name, tool.description) == ("Pasted Name", "Line one\nline two\n\nA\tB\nC")


def test_every_model_with_text_cleans_it():
    """A model added later with a CharField or TextField must take CleanText too. The
    history's event rows are copies its triggers take of rows already cleaned."""
    from pghistory.models import Event

    from core.text import CleanText

    project = {"accounts", "tools", "reviews", "comparisons", "newsletter", "watchlists"}
    without = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in project
        and any(isinstance(f, (models.CharField, models.TextField)) for f in model._meta.fields)
        and not issubclass(model, (CleanText, Event))
    ]
    assert without == []


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Tool, ToolFactory), (Category, CategoryFactory), (Persona, PersonaFactory)],
)
def test_the_database_refuses_a_slug_no_address_can_hold(model, factory):
    """Every link to such a row would fail to build, and with it every page that lists it."""
    row = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(slug="bad\x0bslug")


def _hostile(field: str) -> str:
    return f"{field}{CONTROLS}end"


@pytest.fixture
def stored_raw(panel):
    """Rows as an old database may hold them: every text field full of control characters,
    written with UPDATE, past any cleaning."""
    category = CategoryFactory(slug="hostile")
    tools = [ToolFactory(category=category) for _ in range(2)]
    for tool in tools:
        for seat in panel[:2]:
            ReviewFactory(tool=tool, persona=seat)
    comparison = ComparisonFactory(tool_a=tools[0], tool_b=tools[1])
    text = {
        Tool: [
            "name",
            "tagline",
            "description",
            "vendor",
            "pricing_detail",
            "license",
            "relationship",
        ],
        Category: ["name", "description"],
        Persona: ["name", "lens"],
        Review: ["body"],
        Comparison: ["editor_note"],
    }
    for model, fields in text.items():
        for row in model.objects.all():
            suffix = f"{model.__name__}{row.pk}"
            model.objects.filter(pk=row.pk).update(**{f: _hostile(f"{suffix}.{f}") for f in fields})
    return {"category": category, "tools": tools, "comparison": comparison}


def test_feeds_serve_whatever_the_database_holds(stored_raw):
    reader, comparison = Client(), stored_raw["comparison"]
    for path in ["/feeds/comparisons/", f"/feeds/categories/{stored_raw['category'].slug}/"]:
        response = reader.get(path)
        assert response.status_code == 200, path
        feed = ET.fromstring(response.content)  # well-formed XML 1.0
        [entry] = feed.findall("a:entry", ATOM)
        comparison.refresh_from_db()
        # XML reads a carriage return as a line feed.
        title = NOT_XML.sub("", comparison.title).replace("\r\n", "\n").replace("\r", "\n")
        assert entry.find("a:title", ATOM).text == title
        assert "Comparison" in entry.find("a:summary", ATOM).text


def test_the_sitemap_serves_whatever_the_database_holds(stored_raw):
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    ET.fromstring(response.content)


def test_the_api_serves_whatever_the_database_holds(stored_raw):
    tool, comparison = stored_raw["tools"][0], stored_raw["comparison"]
    reader = Client()
    for path in [
        "/api/tools/",
        f"/api/tools/{tool.slug}/",
        f"/api/verdicts/{tool.slug}/",
        "/api/comparisons/",
        f"/api/comparisons/{comparison.slug}/",
        "/api/personas/",
    ]:
        response = reader.get(path)
        assert response.status_code == 200, path
        json.loads(response.content)
    body = json.loads(reader.get(f"/api/tools/{tool.slug}/").content)
    assert body["description"] == _hostile(f"Tool{tool.pk}.description")  # as stored


def test_pages_with_structured_data_serve_whatever_the_database_holds(stored_raw):
    tool, comparison = stored_raw["tools"][0], stored_raw["comparison"]
    reader = Client()
    for path in [
        tool.get_absolute_url(),
        comparison.get_absolute_url(),
        stored_raw["category"].get_absolute_url(),
        "/",
        "/compare/",
        "/tools/",
    ]:
        response = reader.get(path)
        assert response.status_code == 200, path
        scripts = Markup(response.content.decode()).scripts
        for attributes, content in scripts:
            if attributes.get("type") == "application/ld+json":
                json.loads(content)


def test_a_control_character_cannot_reach_the_database_as_nul(panel):
    """PostgreSQL refuses NUL in text; saving cleans it out first rather than failing."""
    tool = tool_save(tool=ToolFactory.build(category=CategoryFactory(), name="A\x00B"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM tools_tool WHERE id = %s", [tool.pk])
        assert cursor.fetchone() == ("AB",)
