"""Members find their account (the header's menu, the account page) and can delete it."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.cached_db import KEY_PREFIX, SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from reviews.models import Vote
from tests.factories import PASSWORD, BookmarkFactory, ToolFactory, UserFactory, VoteFactory
from tools.models import Bookmark

pytestmark = pytest.mark.django_db


def signed_in_client(member) -> Client:
    """A browser of its own, signed in through the sign-in form as a member would."""
    client = Client()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def menu(html: str) -> str:
    return re.search(r'<details class="account-menu">.*?</details>', html, re.S).group(0)


def test_a_signed_in_member_has_an_account_menu_in_the_header():
    member = UserFactory(verified=True, name="Ada")
    html = signed_in_client(member).get("/tools/").content.decode()
    found = menu(html)
    assert "Ada" in found and member.email in found
    for href in ["/accounts/", "/bookmarks/", "/accounts/email/", "/accounts/password/change/"]:
        assert f'href="{href}"' in found
    assert 'action="/accounts/logout/"' in found and "Sign out" in found


def test_a_signed_out_reader_has_no_account_menu(client):
    html = client.get("/tools/").content.decode()
    assert "account-menu" not in html
    assert 'href="/accounts/login/?next=/tools/"' in html and 'href="/bookmarks/"' in html


def test_the_account_page_links_every_account_page():
    member = UserFactory(verified=True)
    response = signed_in_client(member).get("/accounts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert member.email in html
    for href in [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/bookmarks/",
        "/accounts/delete/",
    ]:
        assert f'href="{href}"' in html


@pytest.mark.parametrize("path", ["/accounts/", "/accounts/delete/", "/accounts/sessions/"])
def test_account_pages_ask_a_signed_out_reader_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_deletion_page_says_what_goes():
    member = UserFactory(verified=True)
    for tool in ToolFactory.create_batch(2):
        VoteFactory(member=member, tool=tool)
    BookmarkFactory(member=member)
    signed_in_client(member)  # a second browser
    html = signed_in_client(member).get("/accounts/delete/").content.decode()
    assert "Your vote on 2 tools, ship or skip: each tool&#x27;s community figures" in html
    assert "Your 1 bookmark<" in html
    assert "Your sign-ins on 2 browsers" in html
    assert f"Your email address {member.email}" in html
    assert html.count("<li>", html.index("What goes")) == 4  # nothing else, the member neither
    assert 'name="password"' in html


def test_a_wrong_password_deletes_nothing():
    member = UserFactory(verified=True)
    client = signed_in_client(member)
    response = client.post("/accounts/delete/", {"password": "not-it"})
    assert response.status_code == 200
    assert "That password is not correct." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_deleting_an_account_removes_what_was_theirs_and_recounts(
    django_capture_on_commit_callbacks,
):
    tool = ToolFactory()
    member = UserFactory(verified=True)
    VoteFactory(member=member, tool=tool, value="ship")
    VoteFactory(tool=tool, value="skip")  # someone else's stays
    BookmarkFactory(member=member, tool=tool)
    reader = Client()
    assert (
        "50% ship · Preliminary (2 of 10 votes)"
        in reader.get(tool.get_absolute_url()).content.decode()
    )
    elsewhere, here = signed_in_client(member), signed_in_client(member)
    keys = [c.session.session_key for c in (elsewhere, here)]
    assert all(SessionStore().exists(key) for key in keys)

    with django_capture_on_commit_callbacks(execute=True):
        response = here.post("/accounts/delete/", {"password": PASSWORD}, follow=True)

    assert "Your account is deleted" in response.content.decode()
    assert "_auth_user_id" not in here.session
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Vote.objects.filter(member_id=member.pk).exists()
    assert not Bookmark.objects.filter(member_id=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    assert not Session.objects.filter(session_key__in=keys).exists()
    for key in keys:  # every session, in the database and in the cache
        assert not Session.objects.filter(session_key=key).exists()
        assert cache.get(KEY_PREFIX + key) is None
    tool.refresh_from_db()
    assert (tool.community_ships, tool.community_skips) == (0, 1)
    assert (
        "0% ship · Preliminary (1 of 10 votes)"
        in reader.get(tool.get_absolute_url()).content.decode()
    )
    response = elsewhere.get("/accounts/")  # the other browser is signed out
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_editor_cannot_delete_their_account_here():
    editor = UserFactory(verified=True, is_staff=True)
    client = signed_in_client(editor)
    assert client.get("/accounts/delete/").status_code == 403
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=editor.pk).exists()
