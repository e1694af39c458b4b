"""Failed sign-ins lock out the address they come from, not the account's owner."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed attempts"
PROXY = "10.0.0.2"  # the proxy in front of the site, when there is one


def reader(address: str, *, behind_proxy: bool) -> Client:
    """A browser at ``address``: seen directly, or through the proxy's X-Forwarded-For."""
    if behind_proxy:
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.parametrize(
    ("attacker", "neighbour", "owner"),
    [
        ("203.0.113.9", "203.0.113.9", "198.51.100.7"),
        # One machine holds a whole IPv6 /64: it counts as one address.
        ("2001:db8:0:1::9", "2001:db8:0:1::a", "2001:db8:0:2::7"),
    ],
)
@pytest.mark.parametrize("behind_proxy", [False, True], ids=["direct", "behind a proxy"])
def test_failed_sign_ins_lock_out_their_address_and_the_owner_still_signs_in(
    settings, attacker, neighbour, owner, behind_proxy
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1 if behind_proxy else 0
    member = UserFactory(verified=True)
    guesser = reader(attacker, behind_proxy=behind_proxy)
    for _ in range(5):
        assert TOO_MANY not in sign_in(guesser, member.email, "wrong").content.decode()

    # The guesser's address is limited, even with the right password, and so is its /64.
    for client in (guesser, reader(neighbour, behind_proxy=behind_proxy)):
        refused = sign_in(client, member.email, PASSWORD)
        assert refused.status_code == 200 and TOO_MANY in refused.content.decode()
        assert "_auth_user_id" not in client.session

    # The owner, elsewhere, signs in at once.
    browser = reader(owner, behind_proxy=behind_proxy)
    response = sign_in(browser, member.email, PASSWORD)
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(member.pk)


def test_an_address_guessing_at_many_accounts_is_limited_by_its_own_rate(settings):
    """Past 10 failures a minute from one address, every sign-in from it is refused."""
    members = [UserFactory(verified=True) for _ in range(11)]
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for member in members[:10]:
        sign_in(guesser, member.email, "wrong")
    refused = sign_in(guesser, members[10].email, PASSWORD)
    assert TOO_MANY in refused.content.decode() and "_auth_user_id" not in guesser.session
