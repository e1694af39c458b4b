"""Password reset tokens that reading a link cannot turn into a write."""

from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class PasswordResetTokens(PasswordResetTokenGenerator):
    """allauth's EmailAwarePasswordResetTokenGenerator, minus the row it writes.

    allauth's version adds the member's address to their email addresses, unverified,
    whenever that row is missing (members made by the admin or a command have none) and
    it hashes a token: so each time it checks one, and an anonymous GET of a made-up
    reset link (``/accounts/password/reset/key/b-1-x/``) wrote a row. The hash is the
    same: the account's address and every address it holds, so a link sent before this
    still works, and one stops working when an address changes.
    """

    def _make_hash_value(self, user, timestamp) -> str:
        held = EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True)
        emails = {email for email in [user.email, *held] if email}
        return super()._make_hash_value(user, timestamp) + "|".join(sorted(emails))
