"""The panel's editors' pages, used through their forms as an editor would."""

import pytest

from tests.factories import ReviewFactory, ToolFactory
from tests.support.admin import admin_errors, admin_form

pytestmark = pytest.mark.django_db


def _refused(client, url, data) -> list[str]:
    response = client.post(url, data)
    assert response.status_code == 200, "the form saved; it should have been refused"
    return admin_errors(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Builder", "There is already a seat on the panel with this name."),
        ("slug", "builder", "Another seat already has this slug (its web address)."),
    ],
)
def test_a_seat_clash_is_refused_in_plain_words(client, editor, panel, field, value, message):
    client.force_login(editor)
    url = f"/admin/reviews/persona/{panel[1].pk}/change/"
    data = admin_form(client, url)
    data[field] = value
    assert _refused(client, url, data) == [message]


@pytest.mark.parametrize("score", ["101", "-1"])
def test_a_score_out_of_range_is_refused_in_plain_words(client, editor, panel, score):
    review = ReviewFactory(persona=panel[0])
    client.force_login(editor)
    url = f"/admin/reviews/review/{review.pk}/change/"
    data = admin_form(client, url)
    data["score"] = score
    assert _refused(client, url, data) == ["A score is a whole number from 0 to 100."]


def test_a_second_review_from_a_seat_is_refused_in_plain_words(client, editor, panel):
    review = ReviewFactory(persona=panel[0])
    client.force_login(editor)
    url = "/admin/reviews/review/add/"
    data = admin_form(client, url)
    data.update(tool=str(review.tool_id), persona=str(panel[0].pk), score="50", call="ship")
    data["body"] = "Again."
    assert _refused(client, url, data) == ["This persona has already reviewed this tool."]


def test_two_reviews_from_one_seat_on_the_tool_form_are_refused_in_plain_words(
    client, editor, panel
):
    tool = ToolFactory()
    client.force_login(editor)
    url = f"/admin/tools/tool/{tool.pk}/change/"
    data = admin_form(client, url)
    data.update({"reviews-TOTAL_FORMS": "2"})
    for row, score in [(0, "70"), (1, "40")]:
        data.update(
            {
                f"reviews-{row}-persona": str(panel[0].pk),
                f"reviews-{row}-score": score,
                f"reviews-{row}-call": "ship",
                f"reviews-{row}-body": "A view.",
            }
        )
    assert "Two reviews here are from the same seat: each seat reviews a tool once." in (
        _refused(client, url, data)
    )
