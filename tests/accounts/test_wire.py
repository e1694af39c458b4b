"""Account emails as the SMTP server received them: headers read from the raw bytes."""

import pytest
from django.core.mail import mailers

from accounts.adapter import AccountAdapter
from tests.factories import UserFactory
from tests.support.wire import header_problems, top_fields

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plenty-of-words-99"
# An address as long as a mailbox name may be: it must stay one plain word in To.
LONG_ADDRESS = f"{'a' * 64}@{'long-subdomain.' * 4}example.com"


def raw_to(smtp_server, email) -> list[bytes]:
    return [received.raw for received in smtp_server.sink.to(email)]


def test_sign_up_emails_go_out_with_plain_headers(client, smtp_server):
    taken = UserFactory(verified=True, email=f"b{LONG_ADDRESS[1:]}")
    for email in [LONG_ADDRESS, taken.email]:  # a confirmation; "you already have an account"
        client.post("/accounts/signup/", {"email": email, "password1": NEW_PASSWORD})
        [raw] = raw_to(smtp_server, email)
        assert header_problems(raw) == []
        assert top_fields(raw)["To"] == [f"To: {email}".encode()]
    [confirmation] = raw_to(smtp_server, LONG_ADDRESS)
    assert top_fields(confirmation)["Subject"] == [b"Subject: Verdicts: Confirm your email address"]


def test_password_reset_emails_go_out_with_plain_headers(client, smtp_server):
    member = UserFactory(verified=True, email=LONG_ADDRESS)
    client.post("/accounts/password/reset/", {"email": member.email})
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    [reset] = raw_to(smtp_server, member.email)
    [unknown] = raw_to(smtp_server, "nobody@example.com")
    for raw in (reset, unknown):
        assert header_problems(raw) == []
    assert top_fields(reset)["Subject"] == [b"Subject: Verdicts: Reset your password"]


def test_account_emails_fold_a_long_subject_without_encoding_it(rf, smtp_server):
    """No subject here is long today; one with a long word still goes out plain."""
    adapter = AccountAdapter(rf.get("/"))
    message = adapter.render_mail(
        "account/email/unknown_account", "ann@example.com", {"signup_url": "/"}
    )
    message.subject = f"Verdicts: {'x' * 90} and a few more words"
    mailers.default.send_messages([message])
    [raw] = raw_to(smtp_server, "ann@example.com")
    assert header_problems(raw) == []
    assert top_fields(raw)["Subject"] == [
        b"Subject: Verdicts:",
        f" {'x' * 90}".encode(),
        b" and a few more words",
    ]
