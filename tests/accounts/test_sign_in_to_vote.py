"""A signed-out Ship or Skip is kept while the reader signs in (or signs up and confirms),
the sign-in pages say why they are there, and signing in casts it: with htmx and without."""

import re
import time
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail

from reviews.models import Vote
from tests.accounts.test_wording import Page
from tests.factories import PASSWORD, ComparisonFactory, ToolFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plenty-of-words-99"


@pytest.fixture
def tool(db):
    return ToolFactory(name="Alpha Model", slug="alpha-model")


@pytest.fixture
def page_url(tool):
    comparison = ComparisonFactory(tool_a=tool)
    return comparison.get_absolute_url()


def press(client, tool, value, page_url, **headers):
    return client.post(f"/tools/{tool.slug}/vote/", {"value": value, "next": page_url}, **headers)


def shown(response) -> str:
    return Page(response.content.decode()).shown


def test_a_signed_out_press_asks_to_sign_in_and_says_why(client, tool, page_url):
    response = press(client, tool, "ship", page_url)
    assert response.status_code == 302
    login = response["Location"]
    assert unquote(login) == f"/accounts/login/?next={page_url}#tool-alpha-model"
    text = shown(client.get(login))
    assert "Sign in to vote ship on Alpha Model" in text
    assert "Your vote is cast as soon as you're in" in text
    signup = shown(client.get("/accounts/signup/"))
    assert "Create an account to vote ship on Alpha Model" in signup
    assert not Vote.objects.exists()  # nothing is cast until they have signed in


def test_signing_in_casts_the_vote_and_goes_back(client, tool, page_url):
    member = UserFactory(verified=True)
    login = press(client, tool, "skip", page_url)["Location"]
    assert not Vote.objects.exists()
    client.get(login)  # reading the sign-in page (a GET) casts nothing
    client.get(page_url)
    assert not Vote.objects.exists()
    response = client.post(
        login, {"login": member.email, "password": PASSWORD, "next": unquote(login.split("=")[1])}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{page_url}#tool-alpha-model"
    vote = Vote.objects.get()
    assert (vote.member, vote.tool, vote.value) == (member, tool, "skip")
    tool.refresh_from_db()
    assert (tool.community_ships, tool.community_skips) == (0, 1)
    landing = client.get(page_url)
    assert "You'd skip Alpha Model. Thanks for voting." in shown(landing)
    assert 'id="vote-alpha-model-skip" name="value" value="clear" aria-pressed="true"' in (
        landing.content.decode()
    )
    assert "sign_in_intent" not in client.session  # cast once: a next sign-in casts nothing


def test_an_htmx_press_sends_the_page_to_sign_in_and_keeps_the_vote(client, tool, page_url):
    response = press(client, tool, "ship", page_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert unquote(response["HX-Redirect"]) == f"/accounts/login/?next={page_url}#tool-alpha-model"
    member = UserFactory(verified=True)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert Vote.objects.get().value == "ship"


def test_signing_up_and_confirming_casts_the_vote(client, tool, page_url):
    login = press(client, tool, "ship", page_url)["Location"]
    next_url = unquote(login.split("next=")[1])
    response = client.post(
        f"/accounts/signup/?next={next_url}",
        {"email": "ada@example.com", "password1": NEW_PASSWORD, "next": next_url},
        follow=True,
    )
    assert "counts the vote you pressed" in shown(response)
    assert not Vote.objects.exists()
    [message] = mail.outbox
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body).group(1)
    response = client.post(f"/accounts/confirm-email/{key}/")
    assert response["Location"] == f"{page_url}#tool-alpha-model"
    assert Vote.objects.get().member.email == "ada@example.com"


def test_a_press_that_takes_a_vote_back_keeps_nothing(client, tool, page_url):
    login = press(client, tool, "clear", page_url)["Location"]
    assert "Sign in to vote" not in shown(client.get(login))
    member = UserFactory(verified=True)
    client.post(login, {"login": member.email, "password": PASSWORD})
    assert not Vote.objects.exists()


def test_an_old_press_is_forgotten(client, tool, page_url):
    from accounts.intent import KEY

    press(client, tool, "ship", page_url)
    session = client.session
    session[KEY] = {**session[KEY], "at": time.time() - 2 * 60 * 60}
    session.save()
    assert "Sign in to vote" not in shown(client.get("/accounts/login/"))
    member = UserFactory(verified=True)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert not Vote.objects.exists()


def test_a_tool_unpublished_meanwhile_gets_no_vote(client, tool, page_url):
    press(client, tool, "ship", page_url)
    tool.status = tool.Status.DRAFT
    tool.published_at = None
    tool.save()
    member = UserFactory(verified=True)
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert not Vote.objects.exists()


def test_an_unconfirmed_address_keeps_the_vote_waiting(client, tool, page_url):
    member = UserFactory()
    EmailAddress.objects.create(user=member, email=member.email, primary=True)
    press(client, tool, "ship", page_url)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert not Vote.objects.exists()  # not signed in yet: a confirmation went out instead
    address = EmailAddress.objects.get(user=member)
    client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    assert Vote.objects.get().member == member
