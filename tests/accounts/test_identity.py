"""A signed-in member's row is remembered in the cache (accounts/identity.py): read once,
then read again at once whenever it changes, whoever changes it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD, ToolFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-longer-passphrase"


def signed_in_client(member) -> Client:
    """A browser of its own, signed in through the sign-in form."""
    client = Client()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def menu(client: Client, url: str) -> str:
    """The page's account menu as the reader gets it ("" when signed out)."""
    html = client.get(url).content.decode()
    found = re.search(r'<details class="account-menu">.*?</details>', html, re.S)
    return found.group(0) if found else ""


def member_rows_read(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('FROM "verdicts_user"' in query["sql"] for query in queries)


@pytest.fixture
def page():
    return ToolFactory().get_absolute_url()


def test_a_members_row_is_read_once_and_then_remembered(page):
    client = signed_in_client(UserFactory(verified=True))
    assert member_rows_read(client, page) == 1
    assert member_rows_read(client, page) == 0
    assert member_rows_read(client, "/compare/") == 0


def test_a_password_change_signs_out_the_members_other_sessions_at_once(
    page, django_capture_on_commit_callbacks
):
    member = UserFactory(verified=True)
    here, elsewhere = signed_in_client(member), signed_in_client(member)
    assert member.email in menu(elsewhere, page)  # remembered now
    assert member_rows_read(elsewhere, page) == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302

    assert menu(elsewhere, page) == ""  # signed out: the session's hash is the old password's
    assert member.email in menu(here, page)  # the session that changed it stays signed in


def test_a_change_to_the_row_shows_on_the_next_page(page, django_capture_on_commit_callbacks):
    member = UserFactory(verified=True, name="Ada")
    client = signed_in_client(member)
    assert "Ada" in menu(client, page)

    with django_capture_on_commit_callbacks(execute=True):
        row = get_user_model().objects.get(pk=member.pk)
        row.name = "Grace"
        row.save()

    found = menu(client, page)
    assert "Grace" in found and "Ada" not in found


@pytest.mark.parametrize("change", ["deactivated", "deleted"])
def test_a_member_made_inactive_or_deleted_is_signed_out_at_once(
    page, change, django_capture_on_commit_callbacks
):
    member = UserFactory(verified=True)
    client = signed_in_client(member)
    assert member.email in menu(client, page)

    with django_capture_on_commit_callbacks(execute=True):
        if change == "deactivated":
            member.is_active = False
            member.save()
        else:
            member.delete()

    assert menu(client, page) == ""


def test_a_session_signed_in_before_the_remembering_backend_stays_signed_in(page):
    """A session names the backend that signed it in; allauth's own is still listed for the
    sessions it signed in before this release."""
    member = UserFactory(verified=True)
    client = Client()
    client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert member.email in menu(client, page)


def test_an_editor_no_longer_staff_loses_the_desk_at_once(page, django_capture_on_commit_callbacks):
    editor = UserFactory(verified=True, is_staff=True)
    client = signed_in_client(editor)
    desk = 'href="/admin/">Editors\' desk</a>'
    assert desk in client.get(page).content.decode()
    assert desk in client.get(page).content.decode()  # remembered

    with django_capture_on_commit_callbacks(execute=True):
        editor.is_staff = False
        editor.save()

    html = client.get(page).content.decode()
    assert editor.email in html and desk not in html
