"""Opening a password reset link reads; only setting the new password writes."""

import pytest
from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str

from accounts.tokens import PasswordResetTokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["x", "1-x", "set-password", "dixr1d-4bdda3a21f7941e631ac058e89"])
def test_a_made_up_reset_link_writes_no_address_row(client, key):
    bare = UserFactory()  # made as the admin or a command makes members: no address row
    response = client.get(f"/accounts/password/reset/key/{user_pk_to_url_str(bare)}-{key}/")
    assert response.status_code in (200, 302)
    assert not EmailAddress.objects.exists()


def test_links_sent_before_still_work():
    """The tokens hash what allauth's did, so a reset link already in an inbox opens."""
    member = UserFactory(verified=True)
    sent = EmailAwarePasswordResetTokenGenerator().make_token(member)
    assert PasswordResetTokens().check_token(member, sent)
    assert PasswordResetTokens().make_token(member) == sent
    member.email = "moved@example.com"  # a change of address ends the link, as before
    assert not PasswordResetTokens().check_token(member, sent)
