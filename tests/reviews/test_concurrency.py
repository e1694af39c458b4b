"""Community counts stay exact when many members vote at once, each on their own connection."""

import random
import threading

import pytest
from django.conf import settings
from django.db import connection

from core.scoring import community_verdict
from reviews.models import Vote
from reviews.services import vote_cast
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
