import pytest

from reviews.models import Call
from tests.factories import ReviewFactory, ToolFactory
from tests.newsletter.conftest import (  # noqa: F401 - the real worker's fixtures, shared
    celery_worker,
    eager_celery,
    fast_sending,
    site_url,
    start_worker,
    worker_env,
)
from watchlists.models import AlertSetting, Follower, Frequency


@pytest.fixture
def alpha(panel):
    """Alpha, reviewed by the whole panel (Skeptic 70, ship), and Beta beside it."""
    builder, skeptic, futurist, founder = panel
    tool = ToolFactory(name="Alpha", slug="alpha")
    for seat, score in ((builder, 80), (skeptic, 70), (futurist, 75), (founder, 72)):
        ReviewFactory(tool=tool, persona=seat, score=score, call=Call.SHIP)
    tool.refresh_from_db()
    return tool


def choose(member, **frequencies) -> Follower:
    """The member's settings, ``review="at-once"``; the others keep their defaults."""
    follower, _ = Follower.objects.get_or_create(member=member)
    for kind, frequency in frequencies.items():
        AlertSetting.objects.update_or_create(
            follower=follower, kind=kind.replace("_", "-"), defaults={"frequency": frequency}
        )
    return follower


AT_ONCE, DAILY, WEEKLY, NEVER = (
    Frequency.AT_ONCE,
    Frequency.DAILY,
    Frequency.WEEKLY,
    Frequency.NEVER,
)
