"""How django-allauth behaves on this site."""

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.crypto import get_random_string

from core.mail import with_plain_headers

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send now; if the SMTP server is down, log it and answer the reader as usual.

        A 500 would tell the reader nothing they can act on, and after a sign-up it would
        come with the account already made. Every answer stays the same for registered and
        unknown addresses. The reader asks again: a new sign-in resends the confirmation,
        a new request the reset link.
        """
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            logger.error(
                "Account email %s not sent, the SMTP server failed: %s", template_prefix, error
            )

    def send_account_already_exists_mail(self, email: str) -> None:
        # Signing up with a new address hashes its password; signing up with a registered one
        # would skip that and answer measurably sooner. Doing the same work keeps the two
        # indistinguishable by response time as well as by response.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def render_mail(self, template_prefix, email, context, headers=None):
        # Serialised as the newsletter's are: no header RFC 2047-encoded that is plain ASCII.
        message = super().render_mail(template_prefix, email, context, headers)
        return with_plain_headers(message)


def client_ip(request: HttpRequest) -> str:
    """The client's address, read as allauth reads it (see ALLAUTH_TRUSTED_PROXY_COUNT).

    django-ratelimit uses it too, so every rate limit on the site counts the same clients.
    """
    return get_adapter(request).get_client_ip(request)
