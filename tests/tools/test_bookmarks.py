"""Bookmarks: the toggle on every card, the /bookmarks/ page, and signed-out bookmarks."""

import pytest

from tests.factories import BookmarkFactory, ToolFactory, UserFactory
from tools.bookmarks import SessionBookmarks
from tools.models import Bookmark
from tools.services import bookmark_toggle, bookmarks_claim

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/tools/"}


@pytest.fixture
def tools():
    return [ToolFactory(name=name, slug=name.lower()) for name in ["Alpha", "Beta", "Gamma"]]


def saved_slugs(member) -> list[str]:
    return list(Bookmark.objects.filter(member=member).values_list("tool__slug", flat=True))


def test_bookmark_toggle_saves_and_lets_go(member, tools):
    bookmark = bookmark_toggle(member=member, tool=tools[0])
    assert bookmark.tool == tools[0]
    assert bookmark_toggle(member=member, tool=tools[0]) is None
    assert not Bookmark.objects.exists()


def test_bookmark_toggle_to_the_state_it_is_in_changes_nothing(member, tools):
    first = bookmark_toggle(member=member, tool=tools[0], saved=True)
    assert bookmark_toggle(member=member, tool=tools[0], saved=True).pk == first.pk
    assert bookmark_toggle(member=member, tool=tools[1], saved=False) is None
    assert saved_slugs(member) == ["alpha"]


def test_bookmarks_claim_adds_only_the_missing_and_published(member, tools):
    BookmarkFactory(member=member, tool=tools[0])
    draft = ToolFactory(draft=True)
    bookmarks_claim(member=member, tool_ids=[tools[0].pk, tools[1].pk, draft.pk, 999_999])
    assert sorted(saved_slugs(member)) == ["alpha", "beta"]


def test_members_bookmark_without_javascript(client, member, tools):
    client.force_login(member)
    response = client.post("/tools/beta/bookmark/", {"saved": "1", "next": "/tools/?q=b"})
    assert response.status_code == 302
    assert response["Location"] == "/tools/?q=b#tool-beta"
    assert saved_slugs(member) == ["beta"]
    html = client.get("/tools/").content.decode()
    assert "Saved Beta to your bookmarks." in html
    assert 'id="bookmark-beta-button" aria-pressed="true"' in html
    client.post("/tools/beta/bookmark/", {"saved": "0"})
    assert saved_slugs(member) == []


def test_members_bookmark_with_htmx_get_the_button_back(client, member, tools):
    client.force_login(member)
    response = client.post("/tools/alpha/bookmark/", {"saved": "1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<form class="bookmark" id="bookmark-alpha"')
    assert 'aria-pressed="true"' in html and 'name="saved" value="0"' in html
    assert 'name="next" value="/tools/"' in html
    assert saved_slugs(member) == ["alpha"]


def test_a_bare_post_flips_the_bookmark(client, member, tools):
    client.force_login(member)
    client.post("/tools/alpha/bookmark/")
    assert saved_slugs(member) == ["alpha"]
    client.post("/tools/alpha/bookmark/")
    assert saved_slugs(member) == []


def test_signed_out_readers_bookmark_in_their_session(client, tools):
    client.post("/tools/alpha/bookmark/", {"saved": "1"})
    client.post("/tools/gamma/bookmark/", {"saved": "1"}, **HTMX)
    assert SessionBookmarks(client.session).ids == [tools[0].pk, tools[2].pk]
    assert not Bookmark.objects.exists()
    response = client.get("/bookmarks/")
    assert [t.slug for t in response.context["tools"]] == ["gamma", "alpha"]
    assert "Kept in this browser for now" in response.content.decode()
    client.post("/tools/alpha/bookmark/", {"saved": "0"})
    assert SessionBookmarks(client.session).ids == [tools[2].pk]


def test_session_bookmarks_join_the_account_on_sign_in_without_duplicates(client, tools):
    member = UserFactory()
    BookmarkFactory(member=member, tool=tools[0])
    client.post("/tools/alpha/bookmark/", {"saved": "1"})
    client.post("/tools/beta/bookmark/", {"saved": "1"})
    client.force_login(member)
    assert sorted(saved_slugs(member)) == ["alpha", "beta"]
    assert SessionBookmarks(client.session).ids == []
    client.logout()
    client.force_login(member)
    assert Bookmark.objects.filter(member=member).count() == 2


def test_session_bookmarks_join_the_account_through_the_sign_in_form(client, tools):
    from tests.factories import PASSWORD

    member = UserFactory(verified=True)
    client.post("/tools/gamma/bookmark/", {"saved": "1"})
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD, "next": "/bookmarks/"}
    )
    assert response.status_code == 302 and response["Location"] == "/bookmarks/"
    assert saved_slugs(member) == ["gamma"]


def test_bookmarks_page_lists_saved_tools_newest_first_with_verdicts(client, member, tools):
    for tool in [tools[1], tools[0]]:
        BookmarkFactory(member=member, tool=tool)
    BookmarkFactory(tool=tools[2])  # someone else's
    client.force_login(member)
    response = client.get("/bookmarks/")
    assert [t.slug for t in response.context["tools"]] == ["alpha", "beta"]
    html = response.content.decode()
    assert "Awaiting panel" in html and "No community votes yet" in html
    assert 'id="bookmark-alpha-button" aria-pressed="true"' in html


def test_bookmarks_page_offers_to_compare_two_to_four_of_them(client, member, tools):
    for tool in tools:
        BookmarkFactory(member=member, tool=tool)
    client.force_login(member)
    html = client.get("/bookmarks/").content.decode()
    assert 'action="/compare/"' in html
    for tool in tools:
        assert f'<input type="checkbox" name="with" value="{tool.slug}">' in html
    response = client.get("/compare/", {"with": ["gamma", "alpha"]})
    assert response.status_code == 302
    assert response["Location"] == "/compare/gamma-vs-alpha/"
    assert client.get(response["Location"], follow=True).status_code == 200


def test_comparing_a_tool_with_itself_says_so(client, tools):
    response = client.get("/compare/", {"tools": "alpha", "with": "alpha"})
    assert response.status_code == 400
    assert "Each tool once, please: Alpha came twice." in response.content.decode()


def test_empty_bookmarks_page_says_how_to_bookmark(client):
    response = client.get("/bookmarks/")
    assert response.status_code == 200
    assert "Nothing saved yet" in response.content.decode()


def test_bookmarks_page_hides_tools_unpublished_since(client, member, tools):
    BookmarkFactory(member=member, tool=tools[0])
    tools[0].status = "draft"
    tools[0].save()
    client.force_login(member)
    assert client.get("/bookmarks/").context["tools"] == []


@pytest.mark.parametrize("count", [2, 12])
def test_bookmarks_page_query_count_does_not_grow(client, member, count, django_assert_num_queries):
    for _ in range(count):
        BookmarkFactory(member=member)
    client.force_login(member)
    with django_assert_num_queries(2):  # the member and the tools (the session is in Redis)
        response = client.get("/bookmarks/")
    assert len(response.context["tools"]) == count


@pytest.mark.parametrize("slug", ["nothing", "secret"])
def test_unknown_or_draft_tool_bookmark_is_404(client, member, slug):
    ToolFactory(slug="secret", draft=True)
    client.force_login(member)
    assert client.post(f"/tools/{slug}/bookmark/").status_code == 404
    assert not Bookmark.objects.exists()


def test_get_on_the_bookmark_endpoint_is_405(client, tools):
    assert client.get("/tools/alpha/bookmark/").status_code == 405


def test_a_flood_of_bookmarks_is_429(client, member, tools, settings):
    settings.BOOKMARK_RATE_LIMIT = "2/m"
    client.force_login(member)
    for _ in range(2):
        assert client.post("/tools/alpha/bookmark/").status_code == 302
    response = client.post("/tools/alpha/bookmark/")
    assert response.status_code == 429
    assert saved_slugs(member) == []
