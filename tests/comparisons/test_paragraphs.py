"""Editors' long texts keep their paragraphs: a blank line in a description, an editor's note
or a review is a new paragraph on every page and in the edition's HTML, and stays escaped."""

import datetime as dt

import pytest
from django.utils import timezone

from newsletter.emails import EditionContent
from newsletter.models import Edition
from tests.factories import (
    ComparisonFactory,
    EditionFactory,
    PersonaFactory,
    ReviewFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db

TWO = "First thought, <b>not bold</b>.\n\nSecond thought,\non two lines."
AS_PARAGRAPHS = (
    "<p>First thought, &lt;b&gt;not bold&lt;/b&gt;.</p>\n\n<p>Second thought,<br>on two lines.</p>"
)


@pytest.fixture
def comparison():
    alpha = ToolFactory(name="Alpha", slug="alpha", description=TWO)
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    seat = PersonaFactory(name="Builder", slug="builder")
    ReviewFactory(tool=alpha, persona=seat, body=TWO)
    return ComparisonFactory(tool_a=alpha, tool_b=beta, editor_note=TWO)


def _count(html: str) -> int:
    return html.count(AS_PARAGRAPHS)


def test_the_comparison_page_keeps_paragraphs_in_the_description_note_and_review(
    client, comparison
):
    html = client.get(comparison.get_absolute_url()).content.decode()
    assert _count(html) == 3
    assert "&lt;b&gt;" in html and "<b>not bold</b>" not in html


def test_the_tool_page_and_the_seat_page_keep_paragraphs(client, comparison):
    assert _count(client.get("/tools/alpha/").content.decode()) == 2  # description, review
    assert _count(client.get("/panel/builder/").content.decode()) == 1


def test_the_edition_keeps_the_notes_paragraphs_on_the_web_and_in_the_email(client, comparison):
    edition = EditionFactory(comparisons=[comparison], key="2026-w40")
    now = timezone.now()
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENT, started_at=now - dt.timedelta(hours=1), sent_at=now
    )
    assert _count(client.get(edition.get_absolute_url()).content.decode()) == 1
    html = EditionContent.load(edition).html
    assert "<p" in html and "First thought, &lt;b&gt;not bold&lt;/b&gt;.</p>" in html
    assert "Second thought,<br>on two lines.</p>" in html
    assert "First thought, &lt;b&gt;not bold&lt;/b&gt;.\n\nSecond" not in html
