"""The catalogue's editors' pages, used through their forms as an editor would."""

import datetime as dt

import pytest

from tests.factories import CategoryFactory, ToolFactory
from tests.support.admin import admin_errors, admin_form, changelist
from tools.models import Tool
from tools.services import tool_save

pytestmark = pytest.mark.django_db


def test_publishing_a_tool_from_the_form_with_no_date_publishes_it_now(client, editor):
    tool = ToolFactory(draft=True)
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    assert data["published_at_0"] == ""  # the form leaves it empty, as its help text invites
    data["status"] = "published"
    response = client.post(url, data)
    assert admin_errors(response) == []
    tool.refresh_from_db()
    assert tool.is_live


def test_adding_a_published_tool_with_no_date_publishes_it_now(client, editor):
    category = CategoryFactory()
    client.force_login(editor)
    data = admin_form(client, "/admin/tools/tool/add/")
    data.update(
        name="Fresh Tool",
        slug="fresh-tool",
        tagline="Teams who want it today",
        description="A new tool.",
        category=str(category.pk),
        status="published",
    )
    response = client.post("/admin/tools/tool/add/", data)
    assert admin_errors(response) == []
    assert Tool.objects.get(slug="fresh-tool").is_live


def test_the_service_publishes_a_tool_with_no_date_now():
    tool = ToolFactory.build(category=CategoryFactory(), status="published", published_at=None)
    assert tool_save(tool=tool).is_live


def _errors_after_post(client, url, **changes) -> list[str]:
    data = admin_form(client, url)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 200, "the form saved; it should have been refused"
    return admin_errors(response)


def test_a_second_tool_with_a_slug_in_use_is_refused_in_plain_words(client, editor):
    ToolFactory(slug="taken")
    tool = ToolFactory()
    client.force_login(editor)
    errors = _errors_after_post(client, f"/admin/tools/tool/{tool.pk}/change/", slug="taken")
    assert errors == ["Another tool already has this slug (its web address)."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Taken", "There is already a category with this name."),
        ("slug", "taken", "Another category already has this slug (its web address)."),
    ],
)
def test_a_category_clash_is_refused_in_plain_words(client, editor, field, value, message):
    CategoryFactory(name="Taken", slug="taken")
    category = CategoryFactory()
    client.force_login(editor)
    url = f"/admin/tools/category/{category.pk}/change/"
    assert _errors_after_post(client, url, **{field: value}) == [message]


def test_a_website_that_is_not_http_is_refused_in_plain_words(client, editor):
    tool = ToolFactory()
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    errors = _errors_after_post(client, url, website="ftp://example.com/")
    assert errors == ["A website is an http or https address."]


def test_every_catalogue_panel_and_comparison_constraint_speaks_to_editors():
    """Django's default ("Constraint “…” is violated.") names the database, not the problem."""
    from django.apps import apps
    from django.db.models import BaseConstraint

    default = BaseConstraint.default_violation_error_message
    for app in ["tools", "reviews", "comparisons"]:
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                assert constraint.violation_error_message not in (None, default), constraint.name


def test_the_tools_list_reads_in_plain_words(client, editor, panel):
    tool = ToolFactory(name="Plain", published_at=dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC))
    ToolFactory(name="Unready", draft=True)
    client.force_login(editor)
    headings, rows = changelist(client.get("/admin/tools/tool/"))
    assert headings == [
        "Name",
        "Category",
        "Published",
        "Panel verdict",
        "Panel score",
        "Community",
        "Price",
    ]
    shown = {row[0]: row[2:] for row in rows}
    assert shown[tool.name] == ["3 Nov 2026", "Awaiting panel", "—", "No votes yet", "Free"]
    assert shown["Unready"][0] == "Draft"


def test_the_tools_list_shows_fifty_to_a_page(client, editor):
    ToolFactory.create_batch(51)
    client.force_login(editor)
    assert len(changelist(client.get("/admin/tools/tool/"))[1]) == 50


@pytest.mark.parametrize(
    "url",
    [
        "/admin/tools/tool/add/",
        "/admin/comparisons/comparison/add/",
        "/admin/reviews/review/add/",
    ],
)
def test_no_form_offers_to_delete_or_edit_another_row_beside_its_picker(client, editor, url):
    client.force_login(editor)
    html = client.get(url).content.decode()
    assert "delete-related" not in html and "change-related" not in html


def test_a_review_seat_is_picked_with_no_links_beside_it(client, editor, panel):
    client.force_login(editor)
    html = client.get("/admin/tools/tool/add/").content.decode()
    assert 'id="add_id_reviews-0-persona"' not in html
    assert 'id="view_id_reviews-0-persona"' not in html
    assert 'id="add_id_category"' in html  # a new shelf can still be made from here
