"""Every email address the site stores is one its mailer can send to: one check
(core.addresses), at every place an address comes in, before any row is written."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import User
from core.addresses import validate_deliverable
from newsletter.models import Subscriber
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

UNDELIVERABLE = [
    "x@h3.test\ufffd",  # what a browser makes of invalid UTF-8
    "x@example.com\u200b",  # an invisible character
    "zoë@example.com",  # a non-ASCII mailbox name needs SMTPUTF8, which the mailer lacks
    "x@[127.0.0.1]",
    '"two words"@example.com',
    "x@localhost",
    "x@mail.invalid",
    "x@-example.com",
    "a..b@example.com",
    "x@example",
]
DELIVERABLE = ["reader@example.com", "o'brien+news@example.co.uk", "x@bücher.de"]
REFUSED = "isn&#x27;t an email address we can write to"


@pytest.mark.parametrize("address", UNDELIVERABLE)
def test_an_address_no_mail_can_reach_is_refused(address):
    with pytest.raises(ValidationError) as refused:
        validate_deliverable(address)
    assert refused.value.messages == [
        "That isn't an email address we can write to. Check it and try again."
    ]


@pytest.mark.parametrize("address", DELIVERABLE)
def test_an_address_mail_can_reach_passes(address):
    validate_deliverable(address)


def test_an_address_longer_than_any_mailer_takes_says_so():
    with pytest.raises(ValidationError, match="longer than any"):
        validate_deliverable(f"{'a' * 60}@{'b' * 60}.{'c' * 60}.{'d' * 60}.example.com")


@pytest.mark.parametrize("address", UNDELIVERABLE[:4])
def test_the_subscribe_form_refuses_it_and_stores_nothing(client, address):
    response = client.post("/newsletter/subscribe/", {"email": address})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("address", UNDELIVERABLE[:4])
def test_sign_up_refuses_it_and_makes_no_account(client, address):
    response = client.post("/accounts/signup/", {"email": address, "password1": "plenty-99-words"})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not User.objects.exists() and not mail.outbox


@pytest.mark.parametrize("address", UNDELIVERABLE[:4])
def test_an_email_change_refuses_it_and_adds_no_address(client, address):
    member = UserFactory(verified=True)
    client.force_login(member)
    response = client.post("/accounts/email/", {"email": address, "action_add": ""})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert list(EmailAddress.objects.values_list("email", flat=True)) == [member.email]


@pytest.mark.parametrize("address", UNDELIVERABLE[:4])
def test_a_password_reset_for_it_is_refused_and_sends_nothing(client, address):
    response = client.post("/accounts/password/reset/", {"email": address})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not mail.outbox


def test_the_admin_refuses_it_for_a_member(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    member = UserFactory()
    response = client.post(
        f"/admin/accounts/user/{member.pk}/change/",
        {"email": UNDELIVERABLE[0], "name": "", "is_active": "on", "date_joined_0": "2026-01-01",
         "date_joined_1": "00:00:00"},
    )  # fmt: skip
    assert response.status_code == 200 and REFUSED in response.content.decode()
    member.refresh_from_db()
    assert member.email != UNDELIVERABLE[0]
    added = client.post(
        "/admin/accounts/user/add/",
        {"email": UNDELIVERABLE[0], "password1": PASSWORD, "password2": PASSWORD},
    )
    assert added.status_code == 200 and not User.objects.filter(email=UNDELIVERABLE[0]).exists()


def test_the_console_refuses_it_for_an_editor(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    with pytest.raises(CommandError, match="isn't an email address we can write to"):
        call_command("createeditor", email=UNDELIVERABLE[0], stdout=io.StringIO())
    assert not User.objects.exists()
