"""Accounts through allauth: sign up, confirm, sign in and out, reset, rate limits, enumeration."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plenty-of-words-99"


def unique_tokens_out(html: str) -> str:
    """The page without what differs on every response: CSRF tokens and the CSP nonce."""
    return re.sub(r"[A-Za-z0-9_-]{22,64}", "TOKEN", html)


def link_in(message) -> str:
    return re.search(rf"{re.escape(settings.SITE_URL)}(/\S+)", message.body).group(1)


def test_sign_up_sends_a_confirmation_link_that_signs_the_member_in(client):
    response = client.post(
        "/accounts/signup/", {"email": "ada@example.com", "password1": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Verdicts: Confirm your email address"
    confirm = link_in(message)
    assert client.get(confirm).status_code == 200
    response = client.post(confirm)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="ada@example.com").verified
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="ada@example.com").pk


def test_an_unconfirmed_member_cannot_sign_in(client):
    client.post("/accounts/signup/", {"email": "ada@example.com", "password1": NEW_PASSWORD})
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "ada@example.com", "password": NEW_PASSWORD}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_sign_in_and_out(client):
    member = UserFactory(verified=True)
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD, "next": "/tools/"}
    )
    assert response["Location"] == "/tools/"
    html = client.get("/tools/").content.decode()
    assert "Sign out" in html and "Sign in" not in html
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signed_out_nav_offers_sign_in_back_to_the_page(client):
    html = client.get("/tools/?q=x").content.decode()
    assert 'href="/accounts/login/?next=/tools/%3Fq%3Dx"' in html
    assert 'href="/accounts/signup/"' in html and 'href="/bookmarks/"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/not-a-key/",
    ],
)
def test_account_pages_are_in_the_sites_style(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html and 'class="page-head"' in html
    assert "· Verdicts</title>" in html


def test_sign_up_with_a_registered_address_answers_as_a_new_one_does(client, monkeypatch):
    UserFactory(email="taken@example.com", verified=True)
    hashes = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *a, **k: hashes.append(1) or encode(self, *a, **k)
    )
    answers = []
    for email in ["taken@example.com", "fresh@example.com"]:
        hashes.clear()
        response = client.post("/accounts/signup/", {"email": email, "password1": NEW_PASSWORD})
        answers.append((response.status_code, response["Location"], len(hashes)))
        client.cookies.clear()
    assert answers[0] == answers[1] == (302, "/accounts/confirm-email/", 1)
    assert User.objects.filter(email="taken@example.com").count() == 1
    taken, fresh = mail.outbox
    assert taken.subject == "Verdicts: You already have an account"
    assert "/accounts/password/reset/" in taken.body
    assert fresh.subject == "Verdicts: Confirm your email address"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client):
    member = UserFactory(verified=True)
    bodies = []
    for email in [member.email, "nobody@example.com"]:
        response = client.post("/accounts/login/", {"login": email, "password": "wrong-one"})
        assert response.status_code == 200
        bodies.append(response.content.decode().replace(email, "EMAIL"))
    assert "not correct" in bodies[0]
    assert unique_tokens_out(bodies[0]) == unique_tokens_out(bodies[1])


def test_password_reset_answers_alike_for_registered_and_unknown_addresses(client):
    member = UserFactory(verified=True)
    locations = [
        client.post("/accounts/password/reset/", {"email": email})["Location"]
        for email in [member.email, "nobody@example.com"]
    ]
    assert locations == ["/accounts/password/reset/done/"] * 2
    reset, unknown = mail.outbox
    assert reset.subject == "Verdicts: Reset your password"
    assert unknown.subject == "Verdicts: No account for this address"


def test_password_reset_link_sets_a_new_password(client):
    member = UserFactory(verified=True)
    client.post("/accounts/password/reset/", {"email": member.email})
    response = client.get(link_in(mail.outbox[0]), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    notice = mail.outbox[-1]  # members hear of it, in case it wasn't them
    assert notice.to == [member.email] and notice.subject == "Verdicts: Your password was reset"


def test_failed_sign_ins_for_one_address_are_limited(client):
    member = UserFactory(verified=True)
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_attempts_from_one_address_are_answered_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post("/accounts/login/", {"login": "x@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "x@example.com", "password": "wrong"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Slow down a little" in html and 'class="site-header"' in html


def test_the_admin_login_goes_through_the_sites_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    staff = UserFactory(is_staff=True, is_superuser=True, verified=True)
    response = client.post(
        "/accounts/login/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_refuses_a_signed_in_member(client, member):
    client.force_login(member)
    assert client.get("/admin/login/").status_code == 403


def test_admin_sign_in_attempts_are_rate_limited_too(client):
    staff = UserFactory(is_staff=True, verified=True)
    for _ in range(5):
        client.post(
            "/accounts/login/", {"login": staff.email, "password": "wrong", "next": "/admin/"}
        )
    response = client.post(
        "/accounts/login/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert "Too many failed attempts" in response.content.decode()
    # and the admin's own form is not a way round it
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_an_editor_made_at_the_console_can_sign_in_to_the_admin(client, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("createeditor", email="editor@example.com", stdout=io.StringIO())
    response = client.post(
        "/accounts/login/",
        {"login": "editor@example.com", "password": NEW_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
