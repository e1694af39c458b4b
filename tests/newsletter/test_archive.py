"""The archive of sent editions and each edition's web version."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def sent(days_ago: int, **kwargs):
    moment = timezone.now() - dt.timedelta(days=days_ago)
    edition = EditionFactory(status="sent", started_at=moment, sent_at=moment, **kwargs)
    edition.created_at = moment
    edition.save(update_fields=["created_at"])
    return edition


def test_the_archive_lists_sent_editions_newest_first(client, django_assert_num_queries):
    old, new = sent(14, subject="Two weeks ago"), sent(7, subject="Last week")
    EditionFactory(subject="A draft")
    EditionFactory(subject="Going out now", status="sending", started_at=timezone.now())

    with django_assert_num_queries(2):
        response = client.get("/newsletter/")

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [new, old]
    html = response.content.decode()
    assert "Last week" in html and "A draft" not in html and "Going out now" not in html
    assert f'href="/newsletter/{new.key}/"' in html


def test_an_empty_archive_says_so(client):
    assert "No editions yet" in client.get("/newsletter/").content.decode()


def test_the_web_version_shows_the_comparisons_verdicts_and_pick(client, reviewed_comparison):
    edition = sent(1, comparisons=[reviewed_comparison], intro="The panel was busy.")
    response = client.get(f"/newsletter/{edition.key}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        edition.subject,
        "The panel was busy.",
        reviewed_comparison.title,
        reviewed_comparison.get_absolute_url(),
        "Ship · 4 ship / 0 skip",
        "Ship · 3 ship / 1 skip",
        "Higher panel ship rate: 100% against 75%.",
        'id="newsletter-heading"',  # and the way to get the next one
    ]:
        assert text in html, text


def test_the_web_version_of_an_edition_being_sent_is_public(client):
    edition = EditionFactory(status="sending", started_at=timezone.now())
    assert client.get(f"/newsletter/{edition.key}/").status_code == 200


def test_a_draft_is_not_found_by_readers_but_staff_preview_it(client, staff):
    draft = EditionFactory()
    assert client.get(f"/newsletter/{draft.key}/").status_code == 404
    client.force_login(staff)
    response = client.get(f"/newsletter/{draft.key}/")
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()


def test_archive_pages_refuse_posts(client):
    assert client.post("/newsletter/").status_code == 405
