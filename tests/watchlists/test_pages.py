"""Following on the pages: the buttons with and without htmx, a follow by email through
the double opt-in, a member's page with its settings, and an account's deletion."""

import re

import pytest
from django.test import Client

from reviews.models import Review
from reviews.services import review_save
from tests.factories import BookmarkFactory, ComparisonFactory, UserFactory
from watchlists.collect import alerts_collect
from watchlists.models import Alert, AlertSetting, Follow, Follower

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


def targets(alpha):
    comparison = ComparisonFactory(tool_a=alpha)
    persona = Review.objects.filter(tool=alpha).first().persona
    return {
        "tool": alpha,
        "comparison": comparison,
        "category": alpha.category,
        "persona": persona,
    }


def test_every_followable_page_has_a_follow_button_that_works_without_javascript(
    signed_in, alpha, member
):
    for kind, target in targets(alpha).items():
        page = signed_in.get(target.get_absolute_url()).content.decode()
        action = f"/following/{kind}/{target.pk}/"
        assert f'action="{action}"' in page and f'hx-post="{action}"' in page, kind
        response = signed_in.post(action, {"following": "1", "next": target.get_absolute_url()})
        assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
        page = signed_in.get(target.get_absolute_url()).content.decode()
        assert 'aria-pressed="true">Following' in page, kind
    assert Follow.objects.filter(follower__member=member, active=True).count() == 4


def test_htmx_gets_the_button_alone(signed_in, alpha):
    response = signed_in.post(
        f"/following/tool/{alpha.pk}/", {"following": "1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'aria-pressed="true">Following' in html and "Following Alpha." in html


def test_a_bookmarked_tool_is_followed_and_can_be_unfollowed_without_unbookmarking(
    signed_in, alpha, member
):
    BookmarkFactory(member=member, tool=alpha)
    assert 'aria-pressed="true">Following' in signed_in.get("/tools/alpha/").content.decode()
    signed_in.post(f"/following/tool/{alpha.pk}/", {"following": "0"})
    page = signed_in.get("/tools/alpha/").content.decode()
    assert 'aria-pressed="false">Follow<' in page
    assert 'id="bookmark-alpha-button" aria-pressed="true"' in page


def test_bad_follow_posts_are_4xx(signed_in, client, alpha):
    assert signed_in.post("/following/tool/999999/").status_code == 404
    assert signed_in.post("/following/nothing/1/").status_code == 404
    assert signed_in.get(f"/following/tool/{alpha.pk}/").status_code == 405


def test_a_signed_out_reader_follows_by_email_once_they_confirm(
    client, alpha, smtp_server, eager_celery, django_capture_on_commit_callbacks
):
    page = client.get("/tools/alpha/").content.decode()
    assert f'action="/following/tool/{alpha.pk}/by-email/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/following/tool/{alpha.pk}/by-email/", {"email": "reader@example.com"}
        )
    assert response.status_code == 302
    follow = Follow.objects.get(follower__email="reader@example.com")
    assert follow.confirmed_at is None
    [received] = smtp_server.sink.to("reader@example.com")
    [path] = re.findall(r"https://verdicts\.example/(following/confirm/\S+/)", received.text)
    assert client.get(f"/{path}").status_code == 200  # looking confirms nothing
    follow.refresh_from_db()
    assert follow.confirmed_at is None
    assert "You're following" in client.post(f"/{path}").content.decode()
    follow.refresh_from_db()
    assert follow.confirmed_at is not None
    assert client.get("/following/confirm/forged:link/").status_code == 400


def test_a_bad_address_is_answered_400(client, alpha):
    response = client.post(f"/following/tool/{alpha.pk}/by-email/", {"email": "not an address"})
    assert response.status_code == 400
    assert "That isn" in response.content.decode()


def test_the_members_page_lists_each_follow_with_its_last_change_and_the_settings(
    signed_in, alpha, member
):
    BookmarkFactory(member=member, tool=alpha)
    review = Review.objects.get(tool=alpha, persona__slug="skeptic")
    review.score = 62
    review_save(review=review)
    page = signed_in.get("/following/").content.decode()
    assert "Last change: Skeptic: 70 → 62" in page and "bookmarked" in page
    assert 'name="call" value="at-once"' in page

    data = {kind: "weekly" for kind in ("call", "review", "price", "pick")}
    data |= {"new-comparison": "never", "persona-review": "daily"}
    response = signed_in.post("/following/", data)
    assert response.status_code == 302
    chosen = dict(AlertSetting.objects.values_list("kind", "frequency"))
    assert chosen["call"] == "weekly" and chosen["new-comparison"] == "never"
    assert signed_in.post("/following/", {"call": "hourly"}).status_code == 400


def test_the_members_page_asks_a_signed_out_reader_to_sign_in(client):
    response = client.get("/following/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_deleting_the_account_removes_follows_settings_and_alerts(alpha, panel):
    member = UserFactory(verified=True)
    client = Client()
    client.force_login(member)
    client.post(f"/following/tool/{alpha.pk}/", {"following": "1"})
    client.post(f"/following/persona/{panel[0].pk}/", {"following": "1"})
    client.post(
        "/following/",
        {
            "review": "at-once",
            "call": "at-once",
            "price": "daily",
            "pick": "daily",
            "new-comparison": "weekly",
            "persona-review": "weekly",
        },
    )
    review = Review.objects.get(tool=alpha, persona__slug="skeptic")
    review.score = 62
    review_save(review=review)
    alerts_collect()
    assert Alert.objects.filter(follower__member=member).exists()
    page = client.get("/accounts/delete/").content.decode()
    assert "the 2 things you follow, and their alerts" in page.lower()

    member.delete()
    assert not Follower.objects.exists() and not Follow.objects.exists()
    assert not AlertSetting.objects.exists() and not Alert.objects.exists()


def test_an_email_follower_changes_their_settings_from_their_signed_link(client):
    from watchlists.links import manage_url

    follower = Follower.objects.create(email="reader@example.com")
    url = manage_url(follower)
    assert url.startswith("https://verdicts.example/following/settings/")
    path = url.removeprefix("https://verdicts.example")
    page = client.get(path)
    assert page.status_code == 200 and "A review of a tool you follow" in page.content.decode()
    choices = {kind: "never" for kind in ("call", "review", "price", "pick")}
    choices |= {"new-comparison": "weekly", "persona-review": "daily"}
    response = client.post(path, choices)
    assert response.status_code == 302
    saved = dict(AlertSetting.objects.filter(follower=follower).values_list("kind", "frequency"))
    assert saved == choices
    assert client.post(path, {**choices, "call": "hourly"}).status_code == 400
    tampered = path.rstrip("/")[:-2] + "xx/"
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, choices).status_code == 404
