"""Every link in an account email is on SITE_URL, whatever the request's Host and scheme.

What went over the wire is read back from a real SMTP server.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.support.celery_worker import database_url
from tests.support.server import Gunicorn

pytestmark = pytest.mark.django_db

SITE = "http://verdicts.test:8080"
NEW_PASSWORD = "plenty-of-words-99"


@pytest.fixture
def public_site(settings):
    """A plain-http deployment behind a proxy that hands the site another Host header, with
    allauth told to prefer https (as production did)."""
    settings.SITE_URL = SITE
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
    settings.ALLOWED_HOSTS = ["internal.example", "testserver"]
    return SITE


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "internal.example"
    return client


def links(received) -> list[str]:
    return re.findall(r"https?://\S+", received.text)


def action_link(received) -> str:
    """The link the email is for (the other is the site's own, at the foot)."""
    found = links(received)
    assert all(link.startswith(f"{SITE}/") for link in found), found
    return found[0]


def test_the_confirmation_email_links_to_site_url(client, smtp_server, public_site):
    client.post("/accounts/signup/", {"email": "ada@example.com", "password1": NEW_PASSWORD})
    [received] = smtp_server.sink.to("ada@example.com")
    link = action_link(received)
    assert link.startswith(f"{SITE}/accounts/confirm-email/")
    response = client.post(urlsplit(link).path)
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_password_reset_email_links_to_site_url(client, smtp_server, public_site):
    member = UserFactory(verified=True)
    client.post("/accounts/password/reset/", {"email": member.email}, secure=True)
    [received] = smtp_server.sink.to(member.email)
    link = action_link(received)
    assert link.startswith(f"{SITE}/accounts/password/reset/key/")
    response = client.get(urlsplit(link).path, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_the_emails_for_taken_and_unknown_addresses_link_to_site_url(
    client, smtp_server, public_site
):
    UserFactory(email="taken@example.com", verified=True)
    client.post("/accounts/signup/", {"email": "taken@example.com", "password1": NEW_PASSWORD})
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    for address, path in [
        ("taken@example.com", "/accounts/password/reset/"),
        ("nobody@example.com", "/accounts/signup/"),
    ]:
        [received] = smtp_server.sink.to(address)
        assert action_link(received) == f"{SITE}{path}"


def test_changing_the_password_sends_a_notice_linking_to_site_url(client, smtp_server, public_site):
    member = UserFactory(verified=True)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    [notice] = smtp_server.sink.to(member.email)
    assert links(notice) and all(link.startswith(f"{SITE}/") for link in links(notice))


@pytest.mark.django_db(transaction=True)  # the server sees committed rows only
def test_the_production_server_links_a_reset_to_site_url_whatever_the_host(
    settings, smtp_server, tmp_path
):
    """gunicorn, production settings, a proxy handing on its own Host: the link is SITE_URL's."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    member = UserFactory(verified=True)
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": SITE,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,internal.example",
    }
    with Gunicorn(env=env, logfile=tmp_path / "gunicorn.log") as server:
        body = b"email=" + member.email.replace("@", "%40").encode()
        answer = server.send(
            b"POST /accounts/password/reset/ HTTP/1.1\r\nHost: internal.example\r\n"
            b"Connection: close\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Sec-Fetch-Site: same-origin\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
    assert answer.startswith(b"HTTP/1.1 302 ")
    [received] = smtp_server.sink.to(member.email)
    assert action_link(received).startswith(f"{SITE}/accounts/password/reset/key/")
