"""The comparisons desk, used through its form as an editor would."""

import pytest

from comparisons.services import comparison_save
from tests.factories import ComparisonFactory, ToolFactory
from tests.support.admin import admin_errors, admin_form

pytestmark = pytest.mark.django_db

ADD = "/admin/comparisons/comparison/add/"


def test_publishing_a_comparison_from_the_form_with_no_date_publishes_it_now(client, editor):
    comparison = ComparisonFactory(status="draft", published_at=None)
    client.force_login(editor)
    url = f"/admin/comparisons/comparison/{comparison.pk}/change/"
    data = admin_form(client, url)
    data["status"] = "published"
    response = client.post(url, data)
    assert admin_errors(response) == []
    comparison.refresh_from_db()
    assert comparison.is_live


def test_adding_a_published_comparison_with_no_date_publishes_it_now(client, editor):
    a, b = ToolFactory(), ToolFactory()
    client.force_login(editor)
    data = admin_form(client, ADD)
    data.update(tool_a=str(a.pk), tool_b=str(b.pk), status="published")
    response = client.post(ADD, data)
    assert admin_errors(response) == []
    assert a.comparisons_as_a.get().is_live


def test_the_service_publishes_a_comparison_with_no_date_now():
    a, b = ToolFactory(), ToolFactory()
    comparison = ComparisonFactory.build(tool_a=a, tool_b=b, status="published", published_at=None)
    assert comparison_save(comparison=comparison).is_live


def test_a_tool_compared_with_itself_is_refused_in_plain_words(client, editor):
    tool = ToolFactory()
    client.force_login(editor)
    data = admin_form(client, ADD)
    data.update(tool_a=str(tool.pk), tool_b=str(tool.pk))
    response = client.post(ADD, data)
    assert admin_errors(response) == ["A comparison needs two different tools."]


def test_a_pair_compared_twice_is_refused_in_plain_words(client, editor):
    comparison = ComparisonFactory()
    client.force_login(editor)
    data = admin_form(client, ADD)
    data.update(tool_a=str(comparison.tool_b_id), tool_b=str(comparison.tool_a_id))
    response = client.post(ADD, data)
    assert admin_errors(response) == ["These two tools already have a comparison."]
