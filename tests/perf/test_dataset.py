import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from comparisons.models import Comparison
from newsletter.models import Subscriber
from reviews.models import Review, Vote
from reviews.services import community_recount, panel_recount
from tools.models import Tool

pytestmark = pytest.mark.django_db


def synthetic_counts() -> dict[str, int]:
    return {
        "tools": Tool.objects.filter(slug__startswith="ds-").count(),
        "votes": Vote.objects.filter(member__email__endswith="@dataset.example").count(),
        "members": User.objects.filter(email__endswith="@dataset.example").count(),
        "subscribers": Subscriber.objects.filter(email__endswith="@dataset.example").count(),
    }


def test_make_dataset_writes_the_sizes_asked_for(capsys):
    call_command("make_dataset", tools=50, votes=1200, subscribers=300, quiet=True)
    assert synthetic_counts() == {"tools": 50, "votes": 1200, "members": 60, "subscribers": 300}
    assert Review.objects.filter(tool__slug__startswith="ds-").exists()
    assert Comparison.objects.filter(tool_a__slug__startswith="ds-").exists()
    assert "50 tools" in capsys.readouterr().out


def test_counters_match_the_rows_as_a_recount_would_leave_them():
    call_command("make_dataset", tools=30, votes=600, subscribers=0, quiet=True)
    assert panel_recount() >= 30  # rewrites every row, so compare values instead
    assert community_recount() == 0  # nothing drifted
    tool = Tool.objects.filter(slug__startswith="ds-").order_by("-community_ships").first()
    assert tool.community_ships == tool.votes.filter(value="ship").count()


def test_running_again_replaces_the_previous_set():
    call_command("make_dataset", tools=40, votes=800, subscribers=100, quiet=True)
    call_command("make_dataset", tools=20, votes=100, subscribers=10, quiet=True)
    assert synthetic_counts() == {"tools": 20, "votes": 100, "members": 5, "subscribers": 10}


def test_impossible_sizes_are_one_line():
    with pytest.raises(CommandError, match="cannot fit"):
        call_command("make_dataset", tools=2, votes=100, members=3, quiet=True)
    with pytest.raises(CommandError, match="at least"):
        call_command("make_dataset", tools=1, quiet=True)


def test_no_votes_and_no_subscribers_is_a_dataset_too(capsys):
    """--votes 0 passes the validation, so it must run: it once died on an empty COPY."""
    call_command("make_dataset", tools=5, votes=0, subscribers=0, quiet=True)
    assert Tool.objects.filter(slug__startswith="ds-").count() == 5
    assert Vote.objects.filter(tool__slug__startswith="ds-").count() == 0
    assert "0 votes" in capsys.readouterr().out
