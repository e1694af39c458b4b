"""The invariants the database itself enforces, whatever code writes the rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comparisons.models import Comparison
from reviews.models import Review
from tests.factories import ComparisonFactory, PersonaFactory, ReviewFactory, ToolFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def test_review_score_above_100_is_refused_by_the_database():
    tool, persona = ToolFactory(), PersonaFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(tool=tool, persona=persona, score=101, call="ship", body="x")


def test_review_call_other_than_ship_or_skip_is_refused_by_the_database():
    tool, persona = ToolFactory(), PersonaFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(tool=tool, persona=persona, score=50, call="meh", body="x")


def test_one_review_per_tool_and_persona():
    review = ReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            tool=review.tool, persona=review.persona, score=10, call="skip", body="again"
        )


def test_review_validation_names_the_problem_before_the_database_does():
    review = ReviewFactory.build(tool=ToolFactory(), persona=PersonaFactory(), score=140)
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "score" in error.value.message_dict


def test_comparison_of_a_tool_with_itself_is_refused():
    tool = ToolFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(tool_a=tool, tool_b=tool, status="draft")


def test_one_comparison_per_pair_in_either_order():
    comparison = ComparisonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(
            tool_a=comparison.tool_b, tool_b=comparison.tool_a, status="draft"
        )


def test_reversed_pair_fails_model_validation_with_a_readable_message():
    comparison = ComparisonFactory()
    reverse = Comparison(tool_a=comparison.tool_b, tool_b=comparison.tool_a, status="draft")
    with pytest.raises(ValidationError) as error:
        reverse.full_clean()
    assert "These two tools already have a comparison." in str(error.value)


def test_published_tool_without_a_date_is_refused_by_the_database():
    tool = ToolFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tool.objects.filter(pk=tool.pk).update(published_at=None)


def test_publishing_without_a_date_sets_it_now():
    tool = ToolFactory(draft=True)
    tool.status = Tool.Status.PUBLISHED
    tool.save()
    assert tool.published_at is not None
    assert tool.is_live


def test_comparison_slug_follows_the_editors_order():
    a = ToolFactory(slug="zeta")
    b = ToolFactory(slug="alpha", category=a.category)
    comparison = ComparisonFactory(tool_a=a, tool_b=b)
    assert comparison.slug == "zeta-vs-alpha"
    assert comparison.get_absolute_url() == "/compare/zeta-vs-alpha/"
