"""The editors' desk: what editors can reach, and that their edits keep verdicts right."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.editors import EDITOR_MODELS, EDITORS_GROUP
from tests.factories import ComparisonFactory, ReviewFactory, ToolFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def test_editors_group_has_content_and_newsletter_permissions_and_nothing_about_people():
    codenames = set(
        Group.objects.get(name=EDITORS_GROUP).permissions.values_list("codename", flat=True)
    )
    for _, model in EDITOR_MODELS:
        assert {f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"} <= codenames
    people = Permission.objects.filter(content_type__app_label__in=["auth", "accounts"])
    assert not codenames & set(people.values_list("codename", flat=True))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/tools/tool/",
        "/admin/tools/tool/add/",
        "/admin/tools/category/",
        "/admin/reviews/persona/",
        "/admin/reviews/review/",
        "/admin/comparisons/comparison/",
        "/admin/comparisons/comparison/add/",
    ],
)
def test_editor_reaches_the_content_pages(client, editor, panel, url):
    ReviewFactory(persona=panel[0])
    ComparisonFactory()
    client.force_login(editor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/auth/group/"])
def test_editor_cannot_manage_users_or_groups(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 403


def test_members_are_sent_to_the_admin_login(client, member):
    client.force_login(member)
    response = client.get("/admin/tools/tool/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_tool_list_shows_panel_verdicts_and_filters(client, editor, panel):
    tool = ToolFactory(name="Listed Tool")
    ReviewFactory(tool=tool, persona=panel[0], call="ship")
    ReviewFactory(tool=tool, persona=panel[1], call="skip", score=40)
    client.force_login(editor)
    html = client.get("/admin/tools/tool/?status__exact=published&q=Listed").content.decode()
    assert "Listed Tool" in html
    assert "Split · 1 ship / 1 skip" in html


def test_saving_a_tool_with_inline_reviews_updates_its_verdict(client, editor, panel):
    tool = ToolFactory()
    client.force_login(editor)
    data = {
        "name": tool.name,
        "slug": tool.slug,
        "tagline": tool.tagline,
        "description": tool.description,
        "category": tool.category_id,
        "vendor": "",
        "pricing_entry": "free",
        "relationship": "None",
        "pricing_detail": "",
        "license": "",
        "website": "",
        "status": "published",
        "published_at_0": "2026-11-01",
        "published_at_1": "09:00:00",
        "reviews-TOTAL_FORMS": "2",
        "reviews-INITIAL_FORMS": "0",
        "reviews-MIN_NUM_FORMS": "0",
        "reviews-MAX_NUM_FORMS": "1000",
        "reviews-0-persona": panel[0].pk,
        "reviews-0-score": "90",
        "reviews-0-call": "ship",
        "reviews-0-body": "Builds in minutes.",
        "reviews-1-persona": panel[1].pk,
        "reviews-1-score": "30",
        "reviews-1-call": "skip",
        "reviews-1-body": "Claims outrun the evidence.",
    }
    response = client.post(f"/admin/tools/tool/{tool.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    tool.refresh_from_db()
    assert tool.panel.summary == "Split · 1 ship / 1 skip"
    assert tool.panel.mean_score == 60


def test_admin_refuses_a_second_review_from_the_same_seat(client, editor, panel):
    tool = ToolFactory()
    ReviewFactory(tool=tool, persona=panel[0])
    client.force_login(editor)
    response = client.post(
        "/admin/reviews/review/add/",
        {"tool": tool.pk, "persona": panel[0].pk, "score": 50, "call": "ship", "body": "Twice"},
    )
    assert response.status_code == 200
    assert "already reviewed this tool" in response.content.decode()


def test_admin_refuses_a_comparison_of_a_reversed_pair(client, editor):
    comparison = ComparisonFactory()
    client.force_login(editor)
    response = client.post(
        "/admin/comparisons/comparison/add/",
        {
            "tool_a": comparison.tool_b_id,
            "tool_b": comparison.tool_a_id,
            "status": "draft",
            "editor_note": "",
        },
    )
    assert response.status_code == 200
    assert "These two tools already have a comparison." in response.content.decode()


def test_tool_autocomplete_for_comparisons(client, editor):
    ToolFactory(name="Findable Model", category__name="Vision")
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Findable",
            "app_label": "comparisons",
            "model_name": "comparison",
            "field_name": "tool_a",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Findable Model (Vision, Acme AI)"]


def test_view_on_site_opens_the_draft_preview(client, editor):
    tool = ToolFactory(draft=True)
    client.force_login(editor)
    change = client.get(f"/admin/tools/tool/{tool.pk}/change/").content.decode()
    assert "View on site" in change
    assert client.get(tool.get_absolute_url()).status_code == 200


def test_publish_action(client, editor):
    draft = ToolFactory(draft=True)
    client.force_login(editor)
    client.post("/admin/tools/tool/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Tool.Status.PUBLISHED and draft.is_live
