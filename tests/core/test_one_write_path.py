"""Editors' writes through the admin take the services' path: the same rows, the same page-cache
versions moved (on commit), and nothing else moves them."""

import pytest
from django.core.cache import cache

from comparisons.models import Comparison
from comparisons.services import comparison_save
from core import pagecache
from reviews.models import Persona, Review, Vote
from reviews.services import persona_save, review_save, reviews_delete, votes_delete
from tests.factories import (
    ComparisonFactory,
    ReviewFactory,
    ToolFactory,
    UserFactory,
    VoteFactory,
)
from tools.models import Tool
from tools.services import tool_save, tools_publish

pytestmark = pytest.mark.django_db


def versions() -> dict[str, int]:
    keys = [key.removeprefix("version:") for key in cache.keys("version:*")]
    return {name: cache.get(pagecache.versions_key(name)) for name in keys}


@pytest.fixture
def moved(django_capture_on_commit_callbacks):
    """``moved(write)``: run ``write`` and its on-commit work; how far each version moved."""

    def measure(write) -> dict[str, int]:
        before = versions()
        with django_capture_on_commit_callbacks(execute=True):
            write()
        after = versions()
        return {name: n - before.get(name, 0) for name, n in after.items() if n != before.get(name)}

    return measure


def tool_form(tool: Tool, **changes) -> dict:
    return {
        "name": tool.name,
        "slug": tool.slug,
        "tagline": tool.tagline,
        "description": tool.description,
        "category": tool.category_id,
        "vendor": tool.vendor,
        "pricing_entry": tool.pricing_entry,
        "relationship": tool.relationship,
        "pricing_detail": tool.pricing_detail,
        "license": "",
        "website": "",
        "status": tool.status,
        "published_at_0": tool.published_at.strftime("%Y-%m-%d"),
        "published_at_1": tool.published_at.strftime("%H:%M:%S"),
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
        "reviews-MIN_NUM_FORMS": "0",
        "reviews-MAX_NUM_FORMS": "1000",
        **changes,
    }


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_a_tool_saved_with_a_new_review_moves_what_the_services_move(desk, panel, moved):
    by_admin, by_service = ToolFactory(), ToolFactory()
    review = {"persona": panel[0].pk, "score": "81", "call": "ship", "body": "Ships today."}
    form = tool_form(
        by_admin,
        tagline="Sharper",
        **{"reviews-TOTAL_FORMS": "1", **{f"reviews-0-{k}": v for k, v in review.items()}},
    )

    admin_moved = moved(lambda: desk.post(f"/admin/tools/tool/{by_admin.pk}/change/", form))

    def through_services():
        by_service.tagline = "Sharper"
        tool_save(tool=by_service)
        review_save(
            review=Review(tool=by_service, persona=panel[0], score=81, call="ship", body="Ships.")
        )

    assert admin_moved == moved(through_services) == {pagecache.CONTENT: 2}
    by_admin.refresh_from_db(), by_service.refresh_from_db()
    assert by_admin.tagline == "Sharper" and by_admin.panel == by_service.panel


def test_deleting_an_inline_review_recounts_the_panel_as_the_service_does(desk, panel, moved):
    by_admin, by_service = ToolFactory(), ToolFactory()
    kept = ReviewFactory(tool=by_admin, persona=panel[0], score=90, call="ship")
    gone = ReviewFactory(tool=by_admin, persona=panel[1], score=20, call="skip")
    ReviewFactory(tool=by_service, persona=panel[0], score=90, call="ship")
    ReviewFactory(tool=by_service, persona=panel[1], score=20, call="skip")
    inline = {"reviews-TOTAL_FORMS": "2", "reviews-INITIAL_FORMS": "2"}
    for n, review in enumerate([kept, gone]):
        inline |= {
            f"reviews-{n}-id": review.pk,
            f"reviews-{n}-tool": by_admin.pk,
            f"reviews-{n}-persona": review.persona_id,
            f"reviews-{n}-score": review.score,
            f"reviews-{n}-call": review.call,
            f"reviews-{n}-body": review.body,
        }
    inline["reviews-1-DELETE"] = "on"
    by_admin.refresh_from_db()

    admin_moved = moved(
        lambda: desk.post(f"/admin/tools/tool/{by_admin.pk}/change/", tool_form(by_admin, **inline))
    )

    def through_services():
        tool_save(tool=by_service)
        reviews_delete(reviews=Review.objects.filter(tool=by_service, persona=panel[1]))

    assert admin_moved == moved(through_services)
    by_admin.refresh_from_db(), by_service.refresh_from_db()
    assert by_admin.panel.summary == by_service.panel.summary == "Ship · 1 ship / 0 skip"


def test_the_publish_action_moves_what_tools_publish_does(desk, moved):
    by_admin, by_service = ToolFactory(draft=True), ToolFactory(draft=True)
    action = {"action": "publish", "_selected_action": [by_admin.pk]}

    admin_moved = moved(lambda: desk.post("/admin/tools/tool/", action))

    assert admin_moved == moved(lambda: tools_publish(tools=Tool.objects.filter(pk=by_service.pk)))
    assert admin_moved == {pagecache.CONTENT: 1}
    assert Tool.objects.published().filter(pk__in=[by_admin.pk, by_service.pk]).count() == 2


def test_retiring_a_seat_from_the_changelist_recounts_as_persona_save_does(desk, panel, moved):
    tool = ToolFactory()
    for persona in panel:
        ReviewFactory(tool=tool, persona=persona, score=70, call="ship")
    seat, other = panel[3], panel[2]
    rows = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "_save": "Save"}
    rows |= {"form-0-id": seat.pk, "form-0-order": seat.order}  # is_active left unticked

    admin_moved = moved(lambda: desk.post("/admin/reviews/persona/", rows))
    tool.refresh_from_db()
    assert tool.panel.reviews == 3

    other.is_active = False
    assert admin_moved == moved(lambda: persona_save(persona=other))
    assert not Persona.objects.get(pk=seat.pk).is_active


def test_a_comparison_edited_in_the_admin_moves_what_comparison_save_does(desk, moved):
    by_admin, by_service = ComparisonFactory(), ComparisonFactory()
    form = {
        "tool_a": by_admin.tool_a_id,
        "tool_b": by_admin.tool_b_id,
        "editor_note": "Rewritten.",
        "status": "published",
        "published_at_0": by_admin.published_at.strftime("%Y-%m-%d"),
        "published_at_1": by_admin.published_at.strftime("%H:%M:%S"),
    }

    admin_moved = moved(
        lambda: desk.post(f"/admin/comparisons/comparison/{by_admin.pk}/change/", form)
    )

    by_service.editor_note = "Rewritten."
    assert admin_moved == moved(lambda: comparison_save(comparison=by_service))
    assert Comparison.objects.get(pk=by_admin.pk).editor_note == "Rewritten."


def test_removing_votes_in_the_admin_recounts_as_votes_delete_does(admin_client, moved):
    tool = ToolFactory()
    abuse = [VoteFactory(tool=tool, member=UserFactory(), value="ship") for _ in range(4)]
    tool.refresh_from_db()
    action = {"action": "delete_selected", "post": "yes", "_selected_action": [abuse[0].pk]}

    admin_moved = moved(lambda: admin_client.post("/admin/reviews/vote/", action))

    service_moved = moved(lambda: votes_delete(votes=Vote.objects.filter(pk=abuse[1].pk)))
    # the same moves, each for its own voter (core/ownparts.py)
    assert admin_moved == {"content": 1, f"member:{abuse[0].member_id}": 1}
    assert service_moved == {"content": 1, f"member:{abuse[1].member_id}": 1}
    tool.refresh_from_db()
    assert tool.community.ships == 2


def test_a_write_around_the_services_moves_no_version(moved, panel):
    """No catch-all receiver: invalidation is the services' job, and only theirs."""
    tool = ToolFactory.build(category=ToolFactory().category)
    assert moved(lambda: (tool.save(), Review.objects.create(
        tool=tool, persona=panel[0], score=50, call="ship", body="Around."
    ))) == {}  # fmt: skip
