"""Whole-page caching for anonymous readers: hits, exact invalidation, nothing personal shared."""

import pytest
from django.core.cache import cache
from django.test import Client

from reviews.services import review_save, vote_cast
from tests.factories import ToolFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # versions move on commit


HTMX = {"HX-Request": "true"}


def state(response) -> str:
    return response.get("X-Page-Cache", "none")


def test_second_anonymous_visit_is_served_from_the_cache(client, pair, django_assert_num_queries):
    url = pair.get_absolute_url()
    assert state(client.get(url)) == "miss"
    with django_assert_num_queries(0):
        response = client.get(url)
    assert state(response) == "hit"
    assert response.status_code == 200


def test_a_vote_invalidates_the_pages_that_show_that_tool(client, pair, member):
    url = pair.get_absolute_url()
    other = ToolFactory()
    client.get(url), client.get(other.get_absolute_url())
    vote_cast(member=member, tool=pair.tool_a, value="ship")
    response = client.get(url)
    assert state(response) == "miss"
    assert "100% ship · Preliminary (1 of 10 votes)" in response.content.decode()
    assert state(client.get(other.get_absolute_url())) == "hit"  # it shows nothing that changed


def test_a_review_edit_invalidates(client, pair):
    url = pair.get_absolute_url()
    client.get(url)
    review = pair.tool_a.reviews.get()
    review.score, review.call = 12, "skip"
    review_save(review=review)
    response = client.get(url)
    assert state(response) == "miss"
    assert "12/100" in response.content.decode()


def test_publishing_from_the_admin_invalidates_the_catalogue(client):
    draft = ToolFactory(name="Brand New", draft=True)
    assert "Brand New" not in client.get("/tools/").content.decode()
    editor = Client()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    editor.post("/admin/tools/tool/", {"action": "publish", "_selected_action": [draft.pk]})
    response = client.get("/tools/")
    assert state(response) == "miss"
    assert "Brand New" in response.content.decode()


def test_a_members_own_vote_never_reaches_another_reader(pair, member):
    url = pair.get_absolute_url()
    voter = Client()
    voter.force_login(member)
    vote_cast(member=member, tool=pair.tool_a, value="ship")
    mine = voter.get(url)
    assert state(mine) == "miss"  # the page is kept as nobody's, and filled in for them
    assert 'aria-pressed="true"' in mine.content.decode()
    reader = Client()
    theirs = reader.get(url)
    assert state(theirs) == "hit"
    assert 'aria-pressed="true"' not in theirs.content.decode()
    again = voter.get(url)
    assert state(again) == "hit" and 'aria-pressed="true"' in again.content.decode()


def test_a_reader_with_saved_bookmarks_is_served_the_shared_page_with_theirs_pressed(client, pair):
    url = pair.get_absolute_url()
    client.get(url)
    client.post(f"/tools/{pair.tool_a.slug}/bookmark/", {"saved": "1"}, headers=HTMX)
    response = client.get(url)
    assert state(response) == "hit"
    html = response.content.decode()
    assert f'id="bookmark-{pair.tool_a.slug}-button" aria-pressed="true"' in html
    assert f'id="bookmark-{pair.tool_b.slug}-button" aria-pressed="false"' in html


def test_a_reader_with_a_message_waiting_is_rendered_whole(client, pair):
    """Without JavaScript a bookmark redirects back with a "Saved" message, read once: that
    page is rendered for the reader, and the next is the shared one again."""
    url = pair.get_absolute_url()
    client.get(url)
    response = client.post(f"/tools/{pair.tool_a.slug}/bookmark/", {"saved": "1"}, follow=True)
    assert state(response) == "none" and 'class="message' in response.content.decode()
    assert state(client.get(url)) == "hit"


def test_an_editor_is_never_served_a_shell(pair):
    """Editors see drafts and the desk link: their pages are rendered for them."""
    editor = Client()
    editor.force_login(UserFactory(is_staff=True))
    Client().get(pair.get_absolute_url())
    response = editor.get(pair.get_absolute_url())
    assert state(response) == "none" and "Editors' desk" in response.content.decode()


def test_htmx_fragments_and_full_pages_are_cached_apart(client):
    ToolFactory(name="Ollama")
    full = client.get("/tools/?q=olla")
    fragment = client.get("/tools/?q=olla", headers={"HX-Request": "true"})
    assert state(full) == state(fragment) == "miss"
    assert "<html" in client.get("/tools/?q=olla").content.decode()
    assert (
        "<html" not in client.get("/tools/?q=olla", headers={"HX-Request": "true"}).content.decode()
    )


def test_a_cached_page_is_the_same_bytes_for_every_reader_and_its_forms_still_work(pair):
    """Nothing of anyone's is in a kept page: no CSRF token, no nonce, no cookie set."""
    url = pair.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    kept = first.get(url)
    response = second.get(url)
    assert (state(kept), state(response)) == ("miss", "hit")
    assert kept.content == response.content
    assert not kept.cookies and not response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and "nonce" not in html
    saved = second.post(
        f"/tools/{pair.tool_a.slug}/bookmark/", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert saved.status_code == 302  # the page's own form, posted from the page


def pages_kept() -> int:
    return len(cache.keys("page:*"))


def test_an_address_with_a_parameter_the_page_does_not_read_moves_to_the_one_without(client):
    """A made-up query string is never a page of its own: each used to be kept for
    PAGE_CACHE_SECONDS, and one client filled Redis with 52 a second."""
    ToolFactory(name="Ollama")
    for made_up in range(20):
        response = client.get(f"/tools/?q=olla&utm_source=mail&n={made_up}")
        assert response.status_code == 301 and response["Location"] == "/tools/?q=olla"
    assert client.get("/?anything=1")["Location"] == "/"
    assert client.get("/tools/?sort=name&sort=newest")["Location"] == "/tools/?sort=newest"
    assert pages_kept() == 0
    assert state(client.get("/tools/?q=olla", follow=True)) == "miss"
    assert pages_kept() == 1


def test_members_are_moved_to_the_address_without_it_too(client, member):
    client.force_login(member)
    response = client.get("/compare/?utm_campaign=x&category=chat")
    assert response.status_code == 301 and response["Location"] == "/compare/?category=chat"


def test_a_parameter_that_may_repeat_is_kept_whole(client):
    tools = [ToolFactory() for _ in range(3)]
    query = "&".join(f"with={tool.slug}" for tool in tools)
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200 and state(response) == "miss"


def test_the_same_query_in_another_order_or_spelling_is_one_page(client):
    ToolFactory(name="Ollama")
    assert state(client.get("/tools/?q=olla&sort=name")) == "miss"
    assert state(client.get("/tools/?sort=name&q=oll%61")) == "hit"
    assert pages_kept() == 1


@pytest.mark.parametrize("query", ["sort=bogus", "min_votes=lots", "page=999", "page=01", "page=x"])
def test_values_no_link_asks_for_are_answered_but_not_kept(client, query):
    ToolFactory()
    response = client.get(f"/tools/?{query}")
    assert response.status_code == 200 and state(response) == "skip"
    assert pages_kept() == 0
    assert state(client.get("/tools/?page=1")) == "miss"  # the first page, as its links ask


def test_a_members_remembered_own_state_follows_each_change_at_once(pair, member):
    """What a member did shows on their next page, though the page and their own state both
    come from the cache: each change moves their version (core/ownparts.py)."""
    url = pair.get_absolute_url()
    other = ToolFactory(name="Elsewhere")  # a tool this page does not show
    signed_in = Client()
    signed_in.force_login(member)
    signed_in.get(url)
    slug, comparison = pair.tool_a.slug, pair.pk

    def page() -> str:
        response = signed_in.get(url)
        assert state(response) == "hit"
        return response.content.decode()

    assert f'id="bookmark-{slug}-button" aria-pressed="false"' in page()
    signed_in.post(f"/tools/{slug}/bookmark/", {"saved": "1"}, headers=HTMX)
    assert f'id="bookmark-{slug}-button" aria-pressed="true"' in page()
    signed_in.post(f"/following/comparison/{comparison}/", {"following": "1"}, headers=HTMX)
    assert f'id="follow-comparison-{comparison}-button" aria-pressed="true"' in page()
    signed_in.post(f"/tools/{other.slug}/vote/", {"value": "ship"}, headers=HTMX)
    signed_in.post(f"/tools/{slug}/bookmark/", {"saved": "0"}, headers=HTMX)
    assert f'id="bookmark-{slug}-button" aria-pressed="false"' in page()


def test_a_history_restore_is_kept_as_the_whole_page_never_as_its_fragment(member):
    """htmx's history restore sends HX-Request too: the catalogue answers it with the whole
    page, which is what the cache keeps it as, for everyone."""
    ToolFactory(name="Ollama")
    signed_in = Client()
    signed_in.force_login(member)
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in signed_in.get("/tools/?q=olla", headers=restore).content.decode()
    response = Client().get("/tools/?q=olla")
    assert state(response) == "hit" and "<html" in response.content.decode()


def test_a_current_url_that_is_no_url_does_not_break_a_shell(pair):
    """django-htmx reads HX-Current-URL on any request; a shell never uses it."""
    headers = {"HX-Current-URL": "http://[::1"}
    response = Client().get(pair.tool_a.get_absolute_url(), headers=headers)
    assert response.status_code == 200 and state(response) == "miss"


def test_a_vote_an_editor_removes_stops_showing_pressed_to_its_member(pair, member):
    from reviews.models import Vote
    from reviews.services import votes_delete

    signed_in = Client()
    signed_in.force_login(member)
    signed_in.post(f"/tools/{pair.tool_a.slug}/vote/", {"value": "ship"}, headers=HTMX)
    url = pair.get_absolute_url()
    pressed = f'id="vote-{pair.tool_a.slug}-ship" name="value" value="clear" aria-pressed="true"'
    assert pressed in signed_in.get(url).content.decode()
    votes_delete(votes=Vote.objects.filter(member=member))
    assert pressed not in signed_in.get(url).content.decode()
