"""A sent edition says what it said when it went out, whatever changes on the site since."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comparisons.models import Comparison
from comparisons.services import comparison_save, comparisons_delete
from newsletter.emails import EditionContent, edition_message
from newsletter.services import edition_start
from newsletter.snapshots import snapshot_taken_at
from reviews.models import Review
from reviews.services import review_save
from tests.factories import ComparisonFactory, EditionFactory, ReviewFactory, SubscriberFactory
from tools.services import tool_save

pytestmark = pytest.mark.django_db

SENT_LINES = [
    "Ship · 4 ship / 0 skip",
    "Ship · 3 ship / 1 skip",
    "Higher panel ship rate: 100% against 75%.",
    "A small model against a big one.",
]


@pytest.fixture
def started(reviewed_comparison, django_capture_on_commit_callbacks):
    SubscriberFactory()
    with django_capture_on_commit_callbacks():  # senders not queued: the test reads the copy
        return edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))


def change_everything(comparison):
    """Rename a tool, turn its whole panel to skip, rewrite the editor's note."""
    tool = comparison.tool_a
    tool.name = "Renamed Since"
    tool_save(tool=tool)
    for review in Review.objects.filter(tool=tool):
        review.call, review.score = "skip", 10
        review_save(review=review)
    comparison.refresh_from_db()
    comparison.editor_note = "Rewritten after the edition went out."
    comparison_save(comparison=comparison)


def web_version(client, edition) -> str:
    response = client.get(f"/newsletter/{edition.key}/")
    assert response.status_code == 200
    return response.content.decode()


def later_copy(edition) -> str:
    """What a copy sent now, by a sender resuming the edition, says."""
    message = edition_message(content=EditionContent.load(edition), subscriber=SubscriberFactory())
    return message.body + message.alternatives[0].content


def test_changing_a_comparison_its_tools_or_verdicts_leaves_a_sent_edition_as_sent(
    client, started, reviewed_comparison
):
    title = reviewed_comparison.title
    change_everything(reviewed_comparison)

    html = web_version(client, started)
    assert f"as they stood on {started.started_at:%-d %B %Y}" in html
    for text in (html, later_copy(started)):
        assert title in text and "Renamed Since" not in text
        for line in SENT_LINES:
            assert line in text, line
        assert "Rewritten after" not in text and "Skip · 0 ship / 4 skip" not in text


def test_deleting_a_comparison_keeps_it_in_the_sent_edition_unlinked(
    client, started, reviewed_comparison
):
    title, path = reviewed_comparison.title, reviewed_comparison.get_absolute_url()
    comparisons_delete(comparisons=Comparison.objects.filter(pk=reviewed_comparison.pk))

    html = web_version(client, started)
    assert title in html and f'href="{path}"' not in html
    assert "has since been taken down" in html
    for line in SENT_LINES:
        assert line in html and line in later_copy(started), line


def test_a_live_comparison_in_a_sent_edition_is_linked(client, started, reviewed_comparison):
    html = web_version(client, started)
    assert f'href="{reviewed_comparison.get_absolute_url()}"' in html
    assert f'href="{reviewed_comparison.tool_a.get_absolute_url()}"' in html
    assert "taken down" not in html


def test_a_draft_shows_the_comparisons_as_they_stand(reviewed_comparison):
    draft = EditionFactory(comparisons=[reviewed_comparison])
    change_everything(reviewed_comparison)
    text = later_copy(draft)
    assert "Renamed Since" in text and "Rewritten after" in text


def test_the_snapshot_is_written_when_sending_starts(started, reviewed_comparison):
    assert snapshot_taken_at(started.snapshot) == started.started_at
    [item] = started.snapshot["items"]
    assert item["comparison_id"] == reviewed_comparison.pk
    assert item["title"] == reviewed_comparison.title
    assert [tool["wins"] for tool in item["tools"]] == [True, False]


@pytest.mark.django_db(transaction=True)
def test_editions_sent_before_snapshots_existed_are_frozen_by_the_migration():
    ReviewFactory()  # the panel's seats and tables in place
    comparison = ComparisonFactory(editor_note="Said before the upgrade.")
    other = ComparisonFactory(status="draft", published_at=None)
    draft = EditionFactory(comparisons=[comparison])
    sent = EditionFactory(comparisons=[comparison, other])
    now = timezone.now()
    type(sent).objects.filter(pk=sent.pk).update(status="sent", started_at=now, sent_at=now)

    executor = MigrationExecutor(connection)
    executor.migrate([("newsletter", "0001_initial")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    sent.refresh_from_db()
    draft.refresh_from_db()
    assert draft.snapshot is None
    [item] = sent.snapshot["items"]  # the draft comparison was not in what readers got
    assert item["title"] == comparison.title and item["note"] == "Said before the upgrade."
    assert item["path"] == comparison.get_absolute_url()
