"""A renamed seat keeps its old addresses, as renamed tools and categories do."""

import pytest

from reviews.services import persona_save
from tests.support.admin import admin_errors, admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def renamed_seat(panel):
    seat = panel[0]
    seat.slug = "maker"
    return persona_save(persona=seat)


def test_a_renamed_seat_keeps_its_old_addresses(client, renamed_seat):
    assert renamed_seat.old_slugs.get().slug == "builder"
    response = client.get("/panel/builder/")
    assert (response.status_code, response["Location"]) == (301, "/panel/maker/")
    response = client.get("/api/personas/builder/")
    assert (response.status_code, response["Location"]) == (301, "/api/personas/maker/")
    assert client.get("/panel/builder/", follow=True).status_code == 200


def test_a_seat_cannot_take_a_slug_another_seat_had(client, editor, renamed_seat, panel):
    client.force_login(editor)
    url = f"/admin/reviews/persona/{panel[1].pk}/change/"
    data = admin_form(client, url)
    data["slug"] = "builder"
    assert admin_errors(client.post(url, data)) == [
        "Another seat had this slug before, and its old links still lead there: choose another."
    ]
