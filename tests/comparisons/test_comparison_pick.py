"""The comparison page's pick refreshes itself (htmx) when a vote may have changed it."""

import pytest

from tests.factories import ComparisonFactory, ToolFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comparison():
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    VoteFactory(tool=beta, value="skip")
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def test_the_page_marks_the_pick_to_refresh_after_a_vote(client, comparison):
    response = client.get(comparison.get_absolute_url())
    html = response.content.decode()
    assert 'id="pick" hx-get="/compare/alpha-vs-beta/"' in html
    assert 'hx-trigger="community-changed from:body"' in html
    assert "HX-Request" in response["Vary"]


def test_with_htmx_the_page_answers_with_the_pick_alone(client, comparison, member):
    client.force_login(member)
    client.post("/tools/alpha/vote/", {"value": "ship"})
    response = client.get(comparison.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.strip().startswith('<div id="pick"')
    assert "Ship with <a" in html and "Higher community ship rate: 100% against 0%." in html
    assert "Reviewer scorecard" not in html and "site-header" not in html


def test_an_htmx_history_restore_gets_the_whole_page(client, comparison):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get(comparison.get_absolute_url(), headers=headers).content.decode()
    assert "site-header" in html and "Reviewer scorecard" in html


def test_an_htmx_vote_tells_the_page_the_community_changed(client, comparison, member):
    client.force_login(member)
    response = client.post("/tools/alpha/vote/", {"value": "ship"}, headers={"HX-Request": "true"})
    assert response["HX-Trigger"] == '{"community-changed": {}}'
