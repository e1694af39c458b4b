"""Community counts stay exact when many members vote at once, each on their own connection."""

import random
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from core.scoring import community_verdict
from reviews.models import Vote
from reviews.services import vote_cast, vote_cast_on
from tests.factories import ToolFactory, UserFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs) -> list[BaseException]:
    """Run each job in its own thread (so on its own database connection), all released at once."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:  # reported by the test that ran the jobs
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def rows(tool: Tool) -> tuple[int, int]:
    votes = Vote.objects.filter(tool=tool)
    return votes.filter(value="ship").count(), votes.filter(value="skip").count()


def test_concurrent_votes_changes_and_retractions_keep_the_counts_equal_to_the_rows(client):
    tool = ToolFactory()
    members = [UserFactory() for _ in range(12)]

    def member_votes(member, seed):
        def job():
            rng = random.Random(seed)
            own = Tool.objects.get(pk=tool.pk)
            for _ in range(10):
                vote_cast(member=member, tool=own, value=rng.choice(["ship", "skip", "clear"]))

        return job

    # Two threads per member, as from two open tabs, so one member's votes race each other too.
    jobs = [member_votes(m, seed) for seed, m in enumerate(members * 2)]
    errors = run_together(jobs)
    assert errors == []
    tool.refresh_from_db()
    ships, skips = rows(tool)
    assert (tool.community_ships, tool.community_skips) == (ships, skips)
    assert Vote.objects.filter(tool=tool).count() <= len(members)
    shown = community_verdict(
        ships=ships, skips=skips, min_votes=settings.RANKING_MIN_VOTES
    ).summary
    assert shown in client.get(tool.get_absolute_url()).content.decode()


def test_concurrent_first_votes_by_one_member_make_one_vote():
    tool, member = ToolFactory(), UserFactory()
    values = ["ship"] * 4 + ["skip"] * 4

    def first_vote(value):
        return lambda: vote_cast(member=member, tool=Tool.objects.get(pk=tool.pk), value=value)

    errors = run_together([first_vote(value) for value in values])
    assert errors == []
    [vote] = Vote.objects.filter(tool=tool, member=member)
    tool.refresh_from_db()
    assert rows(tool) == (tool.community_ships, tool.community_skips)
    assert tool.community.votes == 1
    assert (tool.community_ships == 1) == (vote.value == "ship")


@pytest.mark.parametrize("by", ["id", "slug"])
def test_a_vote_reads_the_members_vote_only_once_it_holds_the_tools_row(by):
    """Both ways of finding the tool (vote_cast by id, vote_cast_on by slug among the
    published) lock its row before reading the member's vote. Another session holds the row
    while it writes the same member's vote, as a second tab would; the vote waits, then
    sees that vote committed and changes nothing. Read before the lock, it would find no
    vote and write a second one (refused by the one-per-member constraint) or count twice."""
    tool, member = ToolFactory(), UserFactory()
    holder = connections.create_connection("default")  # a session of its own
    outcome: list[object] = []

    def vote():
        try:
            if by == "id":
                outcome.append(vote_cast(member=member, tool=tool, value="ship"))
            else:
                outcome.append(vote_cast_on(member=member, slug=tool.slug, value="ship")[1])
        except BaseException as error:  # reported below
            outcome.append(error)
        finally:
            connection.close()

    try:
        with holder.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT 1 FROM tools_tool WHERE id = %s FOR UPDATE", [tool.pk])
            cursor.execute(
                "INSERT INTO reviews_vote (member_id, tool_id, value, created_at, updated_at)"
                " VALUES (%s, %s, 'ship', now(), now())",
                [member.pk, tool.pk],
            )
            cursor.execute(
                "UPDATE tools_tool SET community_ships = community_ships + 1 WHERE id = %s",
                [tool.pk],
            )
            voter = threading.Thread(target=vote)
            voter.start()
            voter.join(timeout=0.5)
            assert voter.is_alive(), outcome  # waiting for the row
            cursor.execute("COMMIT")
        voter.join(timeout=30)
    finally:
        holder.close()
    [vote_after] = outcome
    assert isinstance(vote_after, Vote) and vote_after.value == "ship", vote_after
    assert rows(tool) == (1, 0)
    tool.refresh_from_db()
    assert (tool.community_ships, tool.community_skips) == (1, 0)
