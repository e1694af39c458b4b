"""How django-allauth behaves on this site."""

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.crypto import get_random_string


class AccountAdapter(DefaultAccountAdapter):
    def send_account_already_exists_mail(self, email: str) -> None:
        # Signing up with a new address hashes its password; signing up with a registered one
        # would skip that and answer measurably sooner. Doing the same work keeps the two
        # indistinguishable by response time as well as by response.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)


def client_ip(request: HttpRequest) -> str:
    """The client's address, read as allauth reads it (see ALLAUTH_TRUSTED_PROXY_COUNT).

    django-ratelimit uses it too, so every rate limit on the site counts the same clients.
    """
    return get_adapter(request).get_client_ip(request)
