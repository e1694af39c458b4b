"""Every public page runs a fixed number of SQL queries, whatever the size of the data.

Each page is measured on two synthetic datasets a hundredfold apart (tools, reviews,
comparisons, members, votes and subscribers); the counts must be equal and within budget.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.dataset import Sizes, dataset_make
from tests.factories import ComparisonFactory, UserFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db

SMALL = Sizes(tools=6, votes=40, subscribers=10, members=4)
LARGE = Sizes(tools=600, votes=4000, subscribers=1000, members=400)

# page -> the most queries it may run (anonymous reader, nothing cached)
BUDGETS = {
    "/": 4,
    "/compare/": 3,
    "{comparison}": 4,  # with both tools' history and the pick's, in one query
    "{pair}": 4,
    "/compare/?tools={a},{b},{c}": 3,
    "/tools/": 3,
    "/tools/?q=synthetic&pricing=free&sort=community": 3,
    "{tool}": 5,  # with its history (one query) and its timeline's points (one)
    "/categories/": 1,
    "{category}": 4,
    "/panel/": 1,
    "/panel/builder/": 4,
    "/top/": 6,  # with the seats, for the weights form
    "/bookmarks/": 1,
    "/newsletter/": 2,
    "/feeds/comparisons/": 1,
    "/api/tools/": 2,
    "/api/comparisons/{comparison_slug}/": 4,
}
COMPARISON_PAGE_BUDGET = 8  # the ceiling for the comparison page


def nothing(*args):
    return lambda count: None


def build(sizes: Sizes) -> dict[str, str]:
    dataset_make(sizes=sizes, seed=7, progress=nothing)
    tools = list(Tool.objects.filter(slug__startswith="ds-").order_by("pk")[:3])
    comparison = ComparisonFactory(tool_a=tools[0], tool_b=tools[1])
    return {
        "comparison": comparison.get_absolute_url(),
        "comparison_slug": comparison.slug,
        "pair": f"/compare/{tools[1].slug}-vs-{tools[2].slug}/"
        if tools[1].slug < tools[2].slug
        else f"/compare/{tools[2].slug}-vs-{tools[1].slug}/",
        "tool": tools[0].get_absolute_url(),
        "category": tools[0].category.get_absolute_url(),
        "a": tools[0].slug,
        "b": tools[1].slug,
        "c": tools[2].slug,
    }


def measure(client, names: dict[str, str]) -> dict[str, int]:
    counts = {}
    for page in BUDGETS:
        url = page.format(**names)
        cache.clear()  # measure the work, not the page cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[page] = len(queries)
    return counts


@pytest.fixture
def both_sizes(panel):
    """Query counts per page on the small dataset, then on the large one."""

    def run(client):
        small = measure(client, build(SMALL))
        large = measure(client, build(LARGE))
        return small, large

    return run


def test_anonymous_pages_cost_the_same_at_a_hundred_times_the_data(client, both_sizes):
    small, large = both_sizes(client)
    assert large == small
    over = {page: n for page, n in small.items() if n > BUDGETS[page]}
    assert not over, over
    assert small["{comparison}"] <= COMPARISON_PAGE_BUDGET


def test_member_pages_cost_the_same_at_a_hundred_times_the_data(client, both_sizes):
    client.force_login(UserFactory())
    small, large = both_sizes(client)
    assert large == small
    # A member's page, rendered afresh, costs what anyone's does plus the user and a query
    # for each kind of their own parts (votes, bookmarks, follows: core/ownparts.py).
    assert small["{comparison}"] <= COMPARISON_PAGE_BUDGET + 1


def test_a_members_page_from_the_cache_costs_no_query(
    client, panel, django_capture_on_commit_callbacks
):
    """Served from the page cache, a member's comparison page reads nothing from PostgreSQL:
    the member's row is remembered (accounts/identity.py), and their own votes, bookmarks and
    follows with the page (core/ownparts.py), read again, three queries, only once they
    change."""
    names = build(SMALL)
    member = UserFactory()
    client.force_login(member)
    url = names["comparison"]
    client.get(url)

    def tables_read() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response["X-Page-Cache"] == "hit"
        return sorted(re.search(r'FROM "(\w+)"', query["sql"]).group(1) for query in queries)

    assert tables_read() == []
    # A vote on a tool the page does not show: the page stays, the member's version moves.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/tools/{names['c']}/vote/", {"value": "ship"}, headers={"HX-Request": "true"})
    assert tables_read() == ["reviews_vote", "tools_bookmark", "watchlists_follow"]
    assert tables_read() == []


def test_a_vote_is_one_round_trip_to_the_vote_function(client, panel):
    """A vote from the site finds and locks the tool, then writes the vote with the tool's
    counts, in one call of the function a migration installs: one round trip
    (reviews.services.vote_cast_on); the member is remembered (accounts/identity.py)."""
    names = build(SMALL)
    client.force_login(UserFactory())
    client.get("/compare/")  # the member's row is read, and remembered
    url = f"/tools/{names['a']}/vote/"
    for value in ("ship", "skip", "clear"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"value": value}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        statements = [query["sql"] for query in queries]
        statements = [sql for sql in statements if sql.split()[0] not in ("SAVEPOINT", "RELEASE")]
        assert len(statements) == 1, [sql[:80] for sql in statements]
        assert "FROM verdicts_vote(" in statements[0]
