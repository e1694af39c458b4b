"""The comparison page's bookmarks panel: the reader's own saved tools, signed in or not, kept
up to date in place, and never one reader's bookmarks on another reader's page, cache or no."""

import re

import pytest
from django.test import Client

from tests.factories import BookmarkFactory, ComparisonFactory, ToolFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def comparison():
    alpha = ToolFactory(name="Alpha", slug="alpha")
    beta = ToolFactory(name="Beta", slug="beta", category=alpha.category)
    ToolFactory(name="Gamma", slug="gamma", category=alpha.category)
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


def panel(html: str) -> list[str]:
    """The tool names the bookmarks panel lists; [] for its empty state."""
    found = re.search(r'<section id="bookmarks-panel".*?</section>', html, re.S)
    assert found, "no bookmarks panel"
    names = re.findall(r'<li><a href="/tools/[^"]+/">([^<]+)</a>', found.group(0))
    assert bool(names) != ("No bookmarks yet" in found.group(0))
    return names


def test_a_new_reader_sees_an_empty_panel(client, comparison):
    assert panel(client.get(comparison.get_absolute_url()).content.decode()) == []


def test_a_signed_out_reader_sees_what_they_saved_newest_first(client, comparison):
    client.post("/tools/gamma/bookmark/", {"saved": "1"})
    client.post("/tools/alpha/bookmark/", {"saved": "1"})
    assert panel(client.get(comparison.get_absolute_url()).content.decode()) == ["Alpha", "Gamma"]


def test_a_member_sees_their_account_s_bookmarks(client, comparison, member):
    BookmarkFactory(member=member, tool=comparison.tool_b)
    client.force_login(member)
    assert panel(client.get(comparison.get_absolute_url()).content.decode()) == ["Beta"]


def test_the_three_tool_page_has_the_panel_too(client, comparison):
    client.post("/tools/beta/bookmark/", {"saved": "1"})
    html = client.get("/compare/?tools=alpha,beta,gamma").content.decode()
    assert panel(html) == ["Beta"]


def test_the_cached_page_never_carries_anyone_s_bookmarks(comparison, member):
    url = comparison.get_absolute_url()
    first, saver, other = Client(), Client(), Client()
    # A reader with nothing saved: the page is cached, empty panel and all.
    assert panel(first.get(url).content.decode()) == []
    assert first.get(url)["X-Page-Cache"] == "hit"
    # Someone who saved a tool is served the same cached page with their own panel in it,
    # and it stays theirs. (They save with htmx, which leaves no "Saved …" message: a
    # message waiting keeps a page from the cache.)
    saver.post("/tools/gamma/bookmark/", {"saved": "1"}, headers=HTMX)
    response = saver.get(url)
    assert response["X-Page-Cache"] == "hit" and panel(response.content.decode()) == ["Gamma"]
    response = other.get(url)
    assert response["X-Page-Cache"] == "hit" and panel(response.content.decode()) == []
    # A member's the same, and letting go of the last bookmark empties the panel again.
    BookmarkFactory(member=member, tool=comparison.tool_a)
    signed_in = Client()
    signed_in.force_login(member)
    response = signed_in.get(url)
    assert response["X-Page-Cache"] == "hit" and panel(response.content.decode()) == ["Alpha"]
    assert panel(other.get(url).content.decode()) == []
    saver.post("/tools/gamma/bookmark/", {"saved": "0"}, headers=HTMX)
    response = saver.get(url)
    assert response["X-Page-Cache"] == "hit" and panel(response.content.decode()) == []


def test_a_shell_rendered_for_a_member_holds_nothing_of_theirs(comparison, member):
    """The first reader of a page may be a member with votes, bookmarks and follows: the page
    kept for everyone is still nobody's."""
    BookmarkFactory(member=member, tool=comparison.tool_a)
    signed_in = Client()
    signed_in.force_login(member)
    signed_in.post(f"/tools/{comparison.tool_a.slug}/vote/", {"value": "ship"}, headers=HTMX)
    url = comparison.get_absolute_url()
    html = signed_in.get(url).content.decode()
    assert panel(html) == ["Alpha"] and member.email in html
    assert 'id="vote-alpha-ship" name="value" value="clear" aria-pressed="true"' in html
    response = Client().get(url)
    html = response.content.decode()
    assert response["X-Page-Cache"] == "hit"
    assert panel(html) == [] and member.email not in html and "Sign in" in html
    assert 'aria-pressed="true"' not in html and "\x00" not in html and "\x01" not in html


def test_a_bookmark_tells_the_page_and_the_panel_fetches_itself(client, comparison):
    html = client.get(comparison.get_absolute_url()).content.decode()
    assert 'hx-get="/bookmarks/" hx-trigger="bookmarks-changed from:body"' in html
    response = client.post("/tools/alpha/bookmark/", {"saved": "1"}, headers=HTMX)
    assert response["HX-Trigger"] == '{"bookmarks-changed": {}}'
    response = client.get("/bookmarks/", headers=HTMX)
    html = response.content.decode()
    assert html.strip().startswith('<section id="bookmarks-panel"') and "site-header" not in html
    assert panel(html) == ["Alpha"]
    assert "HX-Request" in response["Vary"]


def test_the_bookmarks_page_is_still_a_whole_page(client, comparison):
    client.post("/tools/alpha/bookmark/", {"saved": "1"})
    html = client.get("/bookmarks/").content.decode()
    assert "site-header" in html and "Tools you saved" in html and 'id="tool-alpha"' in html
    restore = {**HTMX, "HX-History-Restore-Request": "true"}
    assert "site-header" in client.get("/bookmarks/", headers=restore).content.decode()


def test_the_panel_lists_ten_and_links_the_rest(client, comparison):
    for index in range(12):
        client.post(f"/tools/{ToolFactory(slug=f'extra-{index}').slug}/bookmark/", {"saved": "1"})
    html = client.get(comparison.get_absolute_url()).content.decode()
    assert len(panel(html)) == 10 and "All 12 bookmarks" in html
