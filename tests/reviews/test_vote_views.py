"""POST /tools/<slug>/vote/: with htmx, without JavaScript, signed out, and bad input."""

import re

import pytest
from django.test import Client

from reviews.models import Vote
from tests.factories import ComparisonFactory, ToolFactory, UserFactory, VoteFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pair():
    comparison = ComparisonFactory(tool_a=ToolFactory(name="Alpha", slug="alpha"))
    return comparison


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def htmx_from(page: str) -> dict:
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def test_signed_out_vote_changes_nothing_and_goes_to_sign_in_then_back(client, pair):
    page = pair.get_absolute_url()
    response = client.post("/tools/alpha/vote/", {"value": "ship", "next": page})
    assert response.status_code == 302
    back = f"{page}#tool-alpha".replace("/", "%2F").replace("#", "%23")
    assert response["Location"] == f"/accounts/login/?next={back}"  # back to the card pressed
    assert not Vote.objects.exists()
    assert Tool.objects.get(slug="alpha").community_ships == 0


def test_signed_out_htmx_vote_gets_an_htmx_redirect_to_sign_in(client, pair):
    page = pair.get_absolute_url()
    response = client.post("/tools/alpha/vote/", {"value": "ship", "next": page}, **htmx_from(page))
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=%2Fcompare%2F")
    assert not Vote.objects.exists()


def test_vote_without_javascript_redirects_back_to_the_card(member_client, member, pair):
    page = pair.get_absolute_url()
    response = member_client.post("/tools/alpha/vote/", {"value": "skip", "next": page})
    assert response.status_code == 302
    assert response["Location"] == f"{page}#tool-alpha"
    assert Vote.objects.get(member=member).value == "skip"
    html = member_client.get(page).content.decode()
    assert "You&#x27;d skip Alpha." in html
    assert 'id="vote-alpha-skip" name="value" value="clear" aria-pressed="true"' in html
    assert 'id="vote-alpha-ship" name="value" value="ship" aria-pressed="false"' in html


def test_vote_without_next_goes_back_to_the_referring_page(member_client):
    ToolFactory(slug="beta")
    response = member_client.post(
        "/tools/beta/vote/", {"value": "ship"}, HTTP_REFERER="http://testserver/tools/?q=b"
    )
    assert response["Location"] == "/tools/?q=b#tool-beta"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example/", "tools", ""]
)
def test_vote_never_redirects_off_the_site(member_client, next_url):
    ToolFactory(slug="beta")
    response = member_client.post(
        "/tools/beta/vote/",
        {"value": "ship", "next": next_url},
        HTTP_REFERER="https://evil.example/page",
    )
    assert response["Location"] == "/tools/beta/#tool-beta"


def test_htmx_vote_returns_the_buttons_and_out_of_band_figures(member_client, pair):
    VoteFactory(tool=pair.tool_a, value="skip")
    VoteFactory(tool=pair.tool_a, value="ship")
    page = pair.get_absolute_url()
    response = member_client.post("/tools/alpha/vote/", {"value": "ship"}, **htmx_from(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "site-header" not in html
    assert html.count('<form class="vote" id="vote-alpha"') == 1
    assert 'aria-pressed="true"' in html and "Take back your ship vote" in html
    assert f'name="next" value="{page}"' in html
    figure = '<span class="community-figure" id="community-figure-alpha" hx-swap-oob="innerHTML">'
    assert figure in html
    assert '<strong class="ring-figure__value">67%</strong>' in html
    assert '<span class="figure__note">ship · Preliminary (3 of 10 votes)</span>' in html
    row = (
        r'<div id="community-row-alpha" hx-swap-oob="innerHTML">'
        r"\s*67% ship · Preliminary \(3 of 10 votes\)\s*<svg"
    )
    assert re.search(row, html)
    # Screen readers hear what happened, the new figure included.
    assert (
        '<div id="announcer" hx-swap-oob="innerHTML">'
        "You&#x27;d ship Alpha. Thanks for voting. "
        "Community: 67% ship · Preliminary (3 of 10 votes).</div>"
    ) in html


def test_changing_and_taking_back_a_vote(member_client, member, pair):
    member_client.post("/tools/alpha/vote/", {"value": "ship"}, **HTMX)
    response = member_client.post("/tools/alpha/vote/", {"value": "skip"}, **HTMX)
    assert "0% ship · Preliminary (1 of 10 votes)" in response.content.decode()
    assert Vote.objects.get(member=member).value == "skip"
    response = member_client.post("/tools/alpha/vote/", {"value": "clear"}, **HTMX)
    assert "No community votes yet" in response.content.decode()
    assert not Vote.objects.exists()


def test_each_member_has_one_vote_however_often_they_post(client, pair):
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    for value in ["ship", "skip", "ship"]:
        client.post("/tools/alpha/vote/", {"value": value})
    client.force_login(second)
    for value in ["skip", "skip"]:
        client.post("/tools/alpha/vote/", {"value": value})
    assert Vote.objects.filter(tool=pair.tool_a).count() == 2
    tool = Tool.objects.get(slug="alpha")
    assert (tool.community_ships, tool.community_skips) == (1, 1)


@pytest.mark.parametrize("slug", ["nothing-here", "draft-tool"])
def test_unknown_or_draft_tool_is_404_and_changes_nothing(member_client, slug):
    ToolFactory(slug="draft-tool", draft=True)
    response = member_client.post(f"/tools/{slug}/vote/", {"value": "ship"})
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()
    assert not Vote.objects.exists()


def test_unknown_tool_with_htmx_is_a_notice_not_a_page(member_client):
    response = member_client.post("/tools/nothing-here/vote/", {"value": "ship"}, **HTMX)
    assert response.status_code == 404
    assert response["HX-Reswap"] == "none"
    assert 'id="messages" hx-swap-oob="innerHTML"' in response.content.decode()


@pytest.mark.parametrize("data", [{"value": "maybe"}, {"value": ""}, {}])
def test_bad_value_is_400_with_a_message_and_changes_nothing(member_client, pair, data):
    response = member_client.post("/tools/alpha/vote/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "ship, skip or clear" in html
    assert "site-header" in html  # the site's own page
    assert not Vote.objects.exists()


def test_bad_value_with_htmx_is_400_with_a_notice(member_client, pair):
    response = member_client.post("/tools/alpha/vote/", {"value": "maybe"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Reswap"] == "none"
    assert "A vote is ship, skip or clear" in response.content.decode()


def test_a_vote_from_another_site_is_403_in_the_sites_style(member, pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        "/tools/alpha/vote/",
        {"value": "ship"},
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "That form came from another site" in html and "site-header" in html
    assert not Vote.objects.exists()


def test_get_on_the_vote_endpoint_is_405(member_client, pair):
    assert member_client.get("/tools/alpha/vote/").status_code == 405
    assert not Vote.objects.exists()


def test_a_flood_of_votes_is_429_with_a_message(member_client, member, pair, settings):
    settings.VOTE_RATE_LIMIT = "3/m"
    for value in ["ship", "skip", "ship"]:
        assert member_client.post("/tools/alpha/vote/", {"value": value}).status_code == 302
    response = member_client.post("/tools/alpha/vote/", {"value": "clear"})
    assert response.status_code == 429
    assert "Wait a minute" in response.content.decode()
    assert Vote.objects.get(member=member).value == "ship"
    flood = member_client.post("/tools/alpha/vote/", {"value": "skip"}, **HTMX)
    assert flood.status_code == 429
    assert "Wait a minute" in flood.content.decode() and flood["HX-Reswap"] == "none"


def test_the_limit_is_per_member(client, pair, settings):
    settings.VOTE_RATE_LIMIT = "1/m"
    for _ in range(2):
        client.force_login(UserFactory())
        assert client.post("/tools/alpha/vote/", {"value": "ship"}).status_code == 302


def test_members_see_their_vote_on_every_kind_of_page(member_client, member, pair):
    VoteFactory(member=member, tool=pair.tool_a, value="ship")
    pressed = 'id="vote-alpha-ship" name="value" value="clear" aria-pressed="true"'
    for url in [
        pair.get_absolute_url(),
        "/tools/alpha/",
        "/tools/",
        pair.tool_a.category.get_absolute_url(),
    ]:
        assert pressed in member_client.get(url).content.decode(), url


@pytest.mark.parametrize("votes", [0, 30])
def test_page_query_counts_do_not_grow_with_votes(
    member_client, member, pair, votes, django_assert_num_queries
):
    for index in range(votes):
        VoteFactory(tool=pair.tool_a if index % 2 else pair.tool_b, value="ship")
    VoteFactory(member=member, tool=pair.tool_a, value="skip")
    # the member (the session comes from Redis), the page's own four queries and its
    # history's one, then one each for the member's votes, bookmarks and follows
    with django_assert_num_queries(8):
        response = member_client.get(pair.get_absolute_url())
    assert response.status_code == 200
    # from the page cache, none: the member's row and what is theirs are remembered
    # (accounts/identity.py, core/ownparts.py)
    with django_assert_num_queries(0):
        response = member_client.get(pair.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    member_client.get("/tools/")
    with django_assert_num_queries(0):
        assert member_client.get("/tools/")["X-Page-Cache"] == "hit"


def test_a_draft_previewed_by_staff_has_no_vote_or_bookmark_buttons(client, staff):
    ToolFactory(slug="draft-tool", draft=True)
    client.force_login(staff)
    html = client.get("/tools/draft-tool/").content.decode()
    assert "Draft preview" in html and 'class="card-actions"' not in html


def test_a_vote_from_the_site_is_one_query_and_two_redis_round_trips(
    member_client, member, pair, monkeypatch, django_capture_on_commit_callbacks
):
    """What exact counts need and nothing more: PostgreSQL locks the tool, writes the vote and
    moves the counts in one round trip; Redis counts the vote against the rate limit in one,
    and once it commits moves the three page versions it changes in another."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from redis.connection import AbstractConnection

    for value in ("skip", "clear"):  # the member's row is read once, then known
        member_client.post("/tools/alpha/vote/", {"value": value}, **HTMX)
    sends = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, *args, **kwargs):
        if b"PING" not in b"".join(command if isinstance(command, list) else [command]):
            sends.append(command)  # the near cache's keep-alive is no part of the vote
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = member_client.post("/tools/alpha/vote/", {"value": "ship"}, **HTMX)
    assert response.status_code == 200
    assert len(queries) == 1, [query["sql"][:80] for query in queries]
    assert len(sends) == 2, sends
    assert Tool.objects.get(slug="alpha").community_ships == 1
    assert Vote.objects.get(member=member).value == "ship"
