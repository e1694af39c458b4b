"""vote_cast and community_recount: one vote per member per tool, counts kept on the row."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from reviews.models import Vote
from reviews.services import community_recount, vote_cast
from tests.factories import BookmarkFactory, ToolFactory, VoteFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def counts(tool: Tool) -> tuple[int, int]:
    tool.refresh_from_db()
    return tool.community_ships, tool.community_skips


def test_vote_cast_records_a_first_vote_and_counts_it(member):
    tool = ToolFactory()
    vote = vote_cast(member=member, tool=tool, value="ship")
    assert (vote.member, vote.tool, vote.value) == (member, tool, "ship")
    assert counts(tool) == (1, 0)


def test_vote_cast_replaces_previous_vote(member):
    tool = ToolFactory()
    vote_cast(member=member, tool=tool, value="ship")
    vote = vote_cast(member=member, tool=tool, value="skip")
    assert vote.value == "skip"
    assert Vote.objects.filter(member=member, tool=tool).count() == 1
    assert counts(tool) == (0, 1)


def test_vote_cast_clear_takes_the_vote_back(member):
    tool = ToolFactory()
    vote_cast(member=member, tool=tool, value="skip")
    assert vote_cast(member=member, tool=tool, value="clear") is None
    assert not Vote.objects.exists()
    assert counts(tool) == (0, 0)
    assert tool.community.summary == "No community votes yet"


def test_vote_cast_the_same_vote_again_changes_nothing(member):
    tool = ToolFactory()
    first = vote_cast(member=member, tool=tool, value="ship")
    with CaptureQueriesContext(connection) as context:
        again = vote_cast(member=member, tool=tool, value="ship")
    writes = [
        q["sql"] for q in context.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
    assert again.pk == first.pk and again.updated_at == first.updated_at
    assert counts(tool) == (1, 0)


def test_vote_cast_clear_without_a_vote_changes_nothing(member):
    tool = ToolFactory()
    assert vote_cast(member=member, tool=tool, value="clear") is None
    assert counts(tool) == (0, 0)


def test_vote_cast_updates_the_tool_passed_in(member):
    tool = ToolFactory()
    VoteFactory(tool=tool, value="ship")
    stale = Tool.objects.get(pk=tool.pk)
    VoteFactory(tool=tool, value="skip")
    vote_cast(member=member, tool=stale, value="ship")
    assert (stale.community_ships, stale.community_skips) == (2, 1)
    assert stale.community.summary == "67% ship · Preliminary (3 of 10 votes)"


def test_vote_cast_refuses_other_values_and_changes_nothing(member):
    tool = ToolFactory()
    with pytest.raises(ValueError, match="ship, skip, clear"):
        vote_cast(member=member, tool=tool, value="maybe")
    assert not Vote.objects.exists()
    assert counts(tool) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_vote_skips_the_wait_for_the_disk_for_its_transaction_only(member):
    """The vote's own transaction commits without waiting for the WAL flush; the setting
    ends with that transaction, so the next one waits again (vote_cast's docstring)."""
    tool = ToolFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        vote_cast(member=member, tool=tool, value="ship")
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    assert counts(tool) == (1, 0)


def test_many_members_count_separately():
    tool = ToolFactory()
    for value in ["ship", "ship", "skip"]:
        VoteFactory(tool=tool, value=value)
    assert counts(tool) == (2, 1)
    assert tool.community.summary == "67% ship · Preliminary (3 of 10 votes)"


def test_one_vote_per_member_and_tool_is_enforced_by_the_database(member):
    vote = VoteFactory(member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(member=member, tool=vote.tool, value="skip")


def test_a_vote_other_than_ship_or_skip_is_refused_by_the_database(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(member=member, tool=ToolFactory(), value="meh")


def test_community_recount_repairs_drift_and_says_how_many_rows():
    tool, untouched = ToolFactory(), ToolFactory()
    for value in ["ship", "skip", "skip"]:
        VoteFactory(tool=tool, value=value)
    VoteFactory(tool=untouched, value="ship")
    Tool.objects.filter(pk=tool.pk).update(community_ships=7, community_skips=0)
    assert community_recount() == 1
    assert counts(tool) == (1, 2)
    assert counts(untouched) == (1, 0)
    assert community_recount() == 0


def test_community_recount_of_named_tools_leaves_the_others():
    first, second = ToolFactory(), ToolFactory()
    Tool.objects.filter(pk__in=[first.pk, second.pk]).update(community_ships=3)
    assert community_recount(tool_ids=[first.pk]) == 1
    assert counts(first) == (0, 0)
    assert counts(second) == (3, 0)


def test_deleting_a_member_takes_their_votes_out_of_the_counts(django_capture_on_commit_callbacks):
    tool = ToolFactory()
    leaving = VoteFactory(tool=tool, value="ship").member
    VoteFactory(tool=tool, value="skip")
    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()
    assert counts(tool) == (0, 1)


def test_tool_reader_annotation_shows_a_members_vote_and_bookmark(member):
    voted, saved, neither = ToolFactory(), ToolFactory(), ToolFactory()
    VoteFactory(member=member, tool=voted, value="skip")
    VoteFactory(tool=neither, value="ship")  # someone else's
    BookmarkFactory(member=member, tool=saved)
    tools = {t.pk: t for t in Tool.objects.with_reader(member)}
    assert (tools[voted.pk].reader_vote, tools[voted.pk].reader_bookmarked) == ("skip", False)
    assert (tools[saved.pk].reader_vote, tools[saved.pk].reader_bookmarked) == (None, True)
    assert (tools[neither.pk].reader_vote, tools[neither.pk].reader_bookmarked) == (None, False)


def test_tool_reader_annotation_for_a_signed_out_reader_uses_the_session_ids():
    saved, other = ToolFactory(), ToolFactory()
    tools = {t.pk: t for t in Tool.objects.with_reader(AnonymousUser(), [saved.pk])}
    assert tools[saved.pk].reader_bookmarked and not tools[other.pk].reader_bookmarked
    assert tools[saved.pk].reader_vote is None
    assert not any(t.reader_bookmarked for t in Tool.objects.with_reader(AnonymousUser()))
