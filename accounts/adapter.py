"""How django-allauth behaves on this site."""

import ipaddress
import logging
import smtplib
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import get_random_string

from core.addresses import validate_deliverable
from core.mail import with_plain_headers

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    """``path`` on the public site, SITE_URL's scheme and host.

    allauth builds its links from the request (its Host header, and https whenever
    ACCOUNT_DEFAULT_HTTP_PROTOCOL says so); a link in an email must work wherever the
    reader opens it, so every one of them is built here instead.
    """
    return f"{settings.SITE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    # allauth's words for what went wrong, in the site's.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "This account is closed.",
        "duplicate_email": "That is already your address.",
        "email_password_mismatch": "That email address and password are not correct together.",
        "email_taken": "That address already has an account.",
        "enter_current_password": "Type your current password first.",
        "incorrect_password": "That password is not correct.",
        "invalid_or_expired_key": "That link is out of date or was mistyped.",
        "invalid_password_reset": "That reset link is out of date or was used already.",
        "too_many_login_attempts": (
            "Too many failed attempts for this address. Wait a few minutes, then try again."
        ),
        "rate_limited": "That's more than we can take at once. Wait a minute, then try again.",
        "same_as_current": "That is what it is already.",
    }

    def clean_email(self, email: str) -> str:
        """Sign-up, a new or changed address, a password reset: an address mail can reach."""
        validate_deliverable(email)
        return super().clean_email(email)

    def is_safe_url(self, url: str) -> bool:
        # allauth parses a ``next`` it is handed before it checks it; one that is no URL at
        # all (``//[::1``) raised ValueError there, a 500 on the sign-in and reset pages.
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        """What allauth counts failed sign-ins by ("5/5m/key"): the address typed in, and
        the client's network.

        Counted by the address typed alone, five wrong passwords from anyone locked its
        owner out for five minutes, from anywhere. Now they lock out only the network they
        came from; allauth's "10/m/ip" still bounds each network's guesses at every
        account. allauth clears the count on a password reset with this key too.
        """
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_network(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send now; if the SMTP server is down, log it and answer the reader as usual.

        A 500 would tell the reader nothing they can act on, and after a sign-up it would
        come with the account already made. Every answer stays the same for registered and
        unknown addresses. The reader asks again: a new sign-in resends the confirmation,
        a new request the reset link.
        """
        context = {**context, "SITE_URL": settings.SITE_URL}
        if "signup_url" in context:  # the unknown-account email's: built from the request
            context["signup_url"] = site_url(reverse("account_signup"))
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            logger.error(
                "Account email %s not sent, the SMTP server failed: %s", template_prefix, error
            )

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's URL pattern takes the key as "<uidb36>-<key>"; it hands it over joined.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        # Signing up with a new address hashes its password; signing up with a registered one
        # would skip that and answer measurably sooner. Doing the same work keeps the two
        # indistinguishable by response time as well as by response.
        make_password(get_random_string(32))
        context = {
            "signup_url": site_url(reverse("account_signup")),
            "password_reset_url": site_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        # Serialised as the newsletter's are: no header RFC 2047-encoded that is plain ASCII.
        message = super().render_mail(template_prefix, email, context, headers)
        return with_plain_headers(message)


def client_ip(request: HttpRequest) -> str:
    """The client's address, read as allauth reads it (see ALLAUTH_TRUSTED_PROXY_COUNT).

    django-ratelimit uses it too, so every rate limit on the site counts the same clients.
    """
    return get_adapter(request).get_client_ip(request)


def client_network(request: HttpRequest) -> str:
    """The client's address, or for IPv6 its /64 (as allauth's per-address limits count
    it): one machine holds a whole /64 and could take a fresh address for every try."""
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
