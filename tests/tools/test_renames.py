"""A renamed tool or category keeps its old addresses: each answers 301 to the current one."""

import re

import pytest

from comparisons.models import Comparison
from newsletter.emails import EditionContent, edition_message
from reviews.models import Vote
from tests.factories import (
    BookmarkFactory,
    CategoryFactory,
    ComparisonFactory,
    EditionFactory,
    SubscriberFactory,
    ToolFactory,
)
from tests.support.admin import admin_errors, admin_form
from tools.models import Bookmark, Category, Tool
from tools.services import category_save, tool_save

pytestmark = pytest.mark.django_db


def renamed(tool: Tool, slug: str) -> Tool:
    tool.slug = slug
    return tool_save(tool=tool)


@pytest.fixture
def pair():
    """An editor's comparison of two tools; the first is then renamed."""
    category = CategoryFactory()
    first = ToolFactory(slug="old-name", category=category)
    second = ToolFactory(slug="other", category=category)
    comparison = ComparisonFactory(tool_a=first, tool_b=second)
    renamed(first, "new-name")
    return comparison


def moved(client, path: str, method: str = "get", **data) -> str:
    response = getattr(client, method)(path, data)
    assert response.status_code == (301 if method == "get" else 308), (path, response)
    return response["Location"]


def test_renaming_a_tool_keeps_each_old_slug_and_a_slug_given_back_is_current_again():
    tool = ToolFactory(slug="first")
    renamed(tool, "second")
    renamed(tool, "third")
    assert sorted(tool.old_slugs.values_list("slug", flat=True)) == ["first", "second"]
    renamed(tool, "first")
    assert sorted(tool.old_slugs.values_list("slug", flat=True)) == ["second", "third"]


def test_the_old_tool_page_moves_to_the_new_one(client, pair):
    assert moved(client, "/tools/old-name/") == "/tools/new-name/"
    # A parameter the page does not read goes first (core/pagecache.py), then the slug moves.
    response = client.get("/tools/old-name/?ref=mail", follow=True)
    assert response.redirect_chain == [("/tools/old-name/", 301), ("/tools/new-name/", 301)]
    assert client.get("/tools/old-name/", follow=True).status_code == 200


def test_a_tool_renamed_twice_moves_from_either_old_slug(client, pair):
    renamed(pair.tool_a, "newest-name")
    assert moved(client, "/tools/old-name/") == "/tools/newest-name/"
    assert moved(client, "/tools/new-name/") == "/tools/newest-name/"


def test_a_pair_page_at_an_old_slug_moves_to_the_current_pair(client, pair):
    assert moved(client, "/compare/old-name-vs-other/") == "/compare/new-name-vs-other/"
    assert moved(client, "/compare/other-vs-old-name/") == "/compare/new-name-vs-other/"
    renamed(pair.tool_b, "another")
    assert moved(client, "/compare/old-name-vs-other/") == "/compare/new-name-vs-another/"
    assert client.get("/compare/old-name-vs-other/", follow=True).status_code == 200


def test_a_pair_of_a_tool_with_its_own_old_slug_is_no_pair(client, pair):
    assert client.get("/compare/old-name-vs-new-name/").status_code == 404


def test_an_unknown_slug_is_still_404(client, pair):
    assert client.get("/tools/never-was/").status_code == 404
    assert client.get("/compare/never-was-vs-other/").status_code == 404


def test_a_renamed_draft_does_not_give_away_its_new_slug(client):
    draft = ToolFactory(slug="secret-old", draft=True)
    renamed(draft, "secret-new")
    assert client.get("/tools/secret-old/").status_code == 404


def test_the_api_at_an_old_slug_moves_to_the_current_one(client, pair):
    assert moved(client, "/api/tools/old-name/") == "/api/tools/new-name/"
    assert moved(client, "/api/verdicts/old-name/") == "/api/verdicts/new-name/"
    assert moved(client, "/api/comparisons/old-name-vs-other/") == (
        "/api/comparisons/new-name-vs-other/"
    )
    assert client.get("/api/tools/old-name/", follow=True).json()["slug"] == "new-name"
    # The reversed order of current slugs answers as before, without a redirect.
    assert client.get("/api/comparisons/other-vs-new-name/").status_code == 200


def test_a_vote_posted_to_an_old_address_is_posted_again_to_the_new_one(client, member, pair):
    client.force_login(member)
    location = moved(client, "/tools/old-name/vote/", "post", value="ship")
    assert location == "/tools/new-name/vote/"
    client.post("/tools/old-name/vote/", {"value": "ship"}, follow=True)
    assert Vote.objects.get(member=member).tool == pair.tool_a


def test_a_bookmark_posted_to_an_old_address_is_posted_again_to_the_new_one(client, member, pair):
    client.force_login(member)
    assert moved(client, "/tools/old-name/bookmark/", "post") == "/tools/new-name/bookmark/"
    client.post("/tools/old-name/bookmark/", {"saved": "1"}, follow=True)
    assert Bookmark.objects.get(member=member).tool == pair.tool_a


def test_links_in_a_sent_newsletter_still_lead_to_their_pages(client, settings):
    category = CategoryFactory()
    comparison = ComparisonFactory(
        tool_a=ToolFactory(slug="was-a", category=category),
        tool_b=ToolFactory(slug="was-b", category=category),
    )
    edition = EditionFactory(comparisons=[comparison])
    message = edition_message(
        content=EditionContent.load(edition), subscriber=SubscriberFactory(), delivery_id=1
    )
    links = set(re.findall(rf"{re.escape(settings.SITE_URL)}(/[^\s\"'<>]*)", message.body))
    links |= set(
        re.findall(
            rf"{re.escape(settings.SITE_URL)}(/[^\s\"'<>]*)", message.alternatives[0].content
        )
    )
    pages = {link for link in links if "/compare/" in link or "/tools/" in link}
    assert "/compare/was-a-vs-was-b/" in pages
    renamed(comparison.tool_a, "now-a")
    renamed(comparison.tool_b, "now-b")
    for link in pages:
        response = client.get(link, follow=True)
        assert response.status_code == 200, link
        assert response.redirect_chain, link
    assert client.get("/compare/was-a-vs-was-b/")["Location"] == "/compare/now-a-vs-now-b/"


def test_a_tool_cannot_take_a_slug_another_tool_had(client, editor, pair):
    client.force_login(editor)
    data = admin_form(client, "/admin/tools/tool/add/")
    data.update(
        name="Newcomer",
        slug="old-name",
        tagline="Anyone",
        description="New.",
        category=str(pair.tool_b.category_id),
    )
    response = client.post("/admin/tools/tool/add/", data)
    assert admin_errors(response) == [
        "Another tool had this slug before, and its old links still lead there: choose another."
    ]
    assert not Tool.objects.filter(name="Newcomer").exists()


def test_renaming_through_the_admin_form_keeps_the_old_slug(client, editor):
    tool = ToolFactory(slug="before")
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    data["slug"] = "after"
    assert admin_errors(client.post(url, data)) == []
    assert tool.old_slugs.get().slug == "before"
    assert moved(client, "/tools/before/") == "/tools/after/"


def test_deleting_a_tool_frees_its_old_slugs(pair):
    Comparison.objects.all().delete()
    BookmarkFactory(tool=pair.tool_a)
    Tool.objects.filter(pk=pair.tool_a_id).delete()
    assert tool_save(tool=ToolFactory.build(slug="old-name", category=CategoryFactory()))


@pytest.fixture
def category():
    category = CategoryFactory(slug="old-shelf")
    ComparisonFactory(tool_a=ToolFactory(category=category), tool_b=ToolFactory(category=category))
    category.slug = "new-shelf"
    return category_save(category=category)


def test_a_renamed_category_keeps_its_old_addresses(client, category):
    assert category.old_slugs.get().slug == "old-shelf"
    assert moved(client, "/categories/old-shelf/") == "/categories/new-shelf/"
    assert moved(client, "/feeds/categories/old-shelf/") == "/feeds/categories/new-shelf/"
    assert moved(client, "/compare/?category=old-shelf&page=1") == (
        "/compare/?category=new-shelf&page=1"
    )
    assert moved(client, "/tools/?category=old-shelf") == "/tools/?category=new-shelf"
    assert client.get("/compare/?category=never-was").status_code == 404


def test_a_category_cannot_take_a_slug_another_category_had(client, editor, category):
    client.force_login(editor)
    data = admin_form(client, "/admin/tools/category/add/")
    data.update(name="Newcomers", slug="old-shelf")
    response = client.post("/admin/tools/category/add/", data)
    assert admin_errors(response) == [
        "Another category had this slug before, and its old links still lead there: choose another."
    ]
    assert not Category.objects.filter(name="Newcomers").exists()
