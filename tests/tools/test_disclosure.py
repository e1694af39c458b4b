"""Disclosure: each tool's page says what Verdicts has with its makers, "None" unless an
editor says otherwise, and links the policy the methodology page states."""

import pytest
from django.db import connection

from tests.factories import ToolFactory
from tests.support.admin import admin_errors, admin_form
from tests.support.markup import Markup
from tools.models import NO_RELATIONSHIP, Tool

pytestmark = pytest.mark.django_db


def disclosure(client, tool) -> str:
    html = client.get(tool.get_absolute_url()).content.decode()
    facts = " ".join(Markup(html[html.index('<h2 id="facts-heading"') :]).text)
    return " ".join(facts.split())


def test_a_tool_says_none_until_an_editor_says_otherwise(client):
    tool = ToolFactory(name="Alpha", vendor="Alpha Labs")
    assert tool.relationship == NO_RELATIONSHIP == "None"
    text = disclosure(client, tool)
    assert "Our relationship with Alpha Labs None" in text
    assert "Money never buys a review, a score or a place in a ranking: our policy ." in text
    html = client.get(tool.get_absolute_url()).content.decode()
    assert 'href="/methodology/#disclosure"' in html


def test_a_row_written_without_the_field_still_says_none():
    """The database's own default: a row inserted by hand, or by an older release still
    running during a deploy, reads "None" too, never an empty line."""
    tool = ToolFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tools_tool (name, slug, tagline, description, category_id, vendor, "
            "pricing_entry, pricing_detail, license, website, status, published_at, created_at, "
            "updated_at, "
            "panel_ships, panel_skips, panel_score_total, community_ships, community_skips) "
            "SELECT 'Raw', 'raw', tagline, description, category_id, '', pricing_entry, '', '', "
            "'', status, now(), now(), now(), 0, 0, 0, 0, 0 FROM tools_tool WHERE id = %s",
            [tool.pk],
        )
    assert Tool.objects.get(slug="raw").relationship == "None"


def test_an_editor_states_a_relationship_and_readers_see_it_at_once(
    client, editor, django_capture_on_commit_callbacks
):
    tool = ToolFactory(name="Beta", vendor="")
    reader = client.__class__()
    assert "Our relationship with its makers None" in disclosure(reader, tool)  # now cached
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    assert data["relationship"] == "None"
    data["relationship"] = "Beta's makers sponsor our newsletter (since March 2026)."
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_errors(client.post(url, data)) == []
    text = disclosure(reader, tool)
    assert (
        "Our relationship with its makers Beta's makers sponsor our newsletter (since March 2026)."
        in text
    )
    api = reader.get(f"/api/tools/{tool.slug}/").json()
    assert api["relationship"] == "Beta's makers sponsor our newsletter (since March 2026)."


def test_a_blank_relationship_is_refused(client, editor):
    tool = ToolFactory()
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    data["relationship"] = "   "
    errors = admin_errors(client.post(url, data))
    assert errors and "This field is required." in " ".join(errors)
    tool.refresh_from_db()
    assert tool.relationship == "None"
