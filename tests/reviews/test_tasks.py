"""reviews.tasks.recount_verdicts: the nightly recount that repairs drifted counts."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from django.conf import settings

from reviews.tasks import recount_verdicts
from tests.factories import ReviewFactory, ToolFactory, VoteFactory
from tools.models import Tool
from verdicts.celery import app


def drifted_tool(panel) -> Tool:
    tool = ToolFactory()
    ReviewFactory(tool=tool, persona=panel[0], score=90, call="ship")
    ReviewFactory(tool=tool, persona=panel[1], score=40, call="skip")
    for value in ["ship", "ship", "skip"]:
        VoteFactory(tool=tool, value=value)
    Tool.objects.filter(pk=tool.pk).update(
        panel_ships=4, panel_skips=0, panel_score_total=400, community_ships=0, community_skips=9
    )
    return tool


def counts(tool: Tool) -> tuple[int, ...]:
    tool.refresh_from_db()
    return (
        tool.panel_ships,
        tool.panel_skips,
        tool.panel_score_total,
        tool.community_ships,
        tool.community_skips,
    )


@pytest.mark.django_db
def test_recount_verdicts_repairs_panel_and_community_drift(panel):
    tool, healthy = drifted_tool(panel), ToolFactory()
    VoteFactory(tool=healthy, value="skip")
    result = recount_verdicts()
    assert counts(tool) == (1, 1, 130, 2, 1)
    assert counts(healthy) == (0, 0, 0, 0, 1)
    assert result["community_repaired"] == 1
    assert recount_verdicts()["community_repaired"] == 0


@pytest.mark.django_db(transaction=True)
def test_recount_verdicts_runs_on_a_real_worker(panel):
    tool = drifted_tool(panel)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        recount_verdicts.delay()  # results are not kept: watch the row instead
        deadline = time.monotonic() + 30
        while counts(tool) != (1, 1, 130, 2, 1) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert counts(tool) == (1, 1, 130, 2, 1)


def test_recount_verdicts_is_scheduled_nightly_with_a_time_limit():
    entry = settings.CELERY_BEAT_SCHEDULE["recount-verdicts"]
    assert entry["task"] == recount_verdicts.name == "reviews.tasks.recount_verdicts"
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {3}
    assert recount_verdicts.time_limit and recount_verdicts.soft_time_limit
