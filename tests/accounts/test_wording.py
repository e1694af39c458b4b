"""Every account page and email speaks as the rest of the site does, in its layout.

allauth's own sentences are read out of its message catalogue, so a page that falls back on
any of them (a template not overridden, a message, a form label) is caught, whatever it is.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plenty-of-words-99"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{?[^}]*\}?\}|<[^>]+>")
# Phrases allauth ships that are also plain English the site uses in its own voice.
SHARED = {"Email address"}
PROPER = {"Verdicts", "I"}
NAMED_BY_TAG = {"title", "h1", "h2", "h3", "button", "label", "summary", "legend"}


def allauth_phrases() -> set[str]:
    """allauth's sentences (four words or more) and Title Case names, from its catalogue."""
    catalogue = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
    phrases = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', catalogue.read_text(), re.M):
        text = "".join(re.findall(r'"(.*)"', block)).replace("\\n", " ").replace('\\"', '"')
        for part in PLACEHOLDER.split(text):
            part = " ".join(part.split()).strip(" .:,;!?")
            words = part.split()
            title_case = len(words) >= 2 and all(w[0].isupper() for w in words)
            if (len(words) >= 4 or title_case) and part not in SHARED:
                phrases.add(part)
    return phrases


STOCK = allauth_phrases()


class Page(HTMLParser):
    """The text a reader sees, and the text of what names things: headings, buttons, labels."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.names: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        classes = dict(attrs).get("class") or ""
        if tag in NAMED_BY_TAG or (tag == "a" and "button" in classes.split()):
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1
        if self._open and self._open[-1][0] == tag:
            self.names.append(" ".join("".join(self._open.pop()[1]).split()))

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        for _, parts in self._open:
            parts.append(data)

    @property
    def shown(self) -> str:
        return " ".join(" ".join(self.text).split())


def not_sentence_case(name: str) -> list[str]:
    words = re.findall(r"[\w'’@.-]+", name.replace("·", " . "))
    sentence_start = True
    wrong = []
    for word in words:
        if sentence_start:
            sentence_start = word.endswith(".")
            continue
        acronym = len(word.strip(".")) > 1 and word.strip(".").isupper()
        if word[0].isupper() and word.strip(".") not in PROPER and "@" not in word and not acronym:
            wrong.append(word)
        sentence_start = word.endswith(".")
    return wrong


def assert_in_the_sites_voice(html: str) -> None:
    page = Page(html)
    stock = sorted(phrase for phrase in STOCK if phrase in page.shown)
    assert stock == [], f"allauth's own words: {stock}"
    title_case = {name: words for name in page.names if (words := not_sentence_case(name))}
    assert title_case == {}, f"not in sentence case: {title_case}"


def assert_in_the_sites_layout(html: str) -> None:
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'class="page-head"' in html
    assert "· Verdicts</title>" in html


@pytest.fixture
def unconfirmed(db):
    member = UserFactory()
    return EmailAddress.objects.create(user=member, email=member.email, primary=True)


@pytest.fixture
def signed_in(client):
    member = UserFactory(verified=True)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    return member


def reset_key_path(member) -> str:
    return (
        f"/accounts/password/reset/key/"
        f"{user_pk_to_url_str(member)}-{default_token_generator.make_token(member)}/"
    )


SIGNED_OUT = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/1-not-a-key/",
    "/accounts/password/reset/key/done/",
    "/accounts/inactive/",
]
SIGNED_IN = [
    "/accounts/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/sessions/",
    "/accounts/delete/",
    "/accounts/logout/",
]


@pytest.mark.parametrize("path", SIGNED_OUT)
def test_signed_out_account_pages_are_the_sites(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_the_sites_layout(html)
    assert_in_the_sites_voice(html)


@pytest.mark.parametrize("path", SIGNED_IN)
def test_signed_in_account_pages_are_the_sites(client, signed_in, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert_in_the_sites_layout(html)
    assert_in_the_sites_voice(html)


def test_the_confirmation_page_is_the_sites(client, unconfirmed):
    key = EmailConfirmationHMAC(unconfirmed).key
    html = client.get(f"/accounts/confirm-email/{key}/").content.decode()
    assert unconfirmed.email in html and "Please confirm that" not in html
    assert_in_the_sites_layout(html)
    assert_in_the_sites_voice(html)


def test_the_new_password_page_is_the_sites(client):
    member = UserFactory(verified=True)
    response = client.get(reset_key_path(member), follow=True)
    html = response.content.decode()
    assert "Choose a new password" in html
    assert_in_the_sites_layout(html)
    assert_in_the_sites_voice(html)
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert_in_the_sites_voice(response.content.decode())


def test_the_set_password_page_is_the_sites(client, signed_in):
    signed_in.set_unusable_password()
    signed_in.save()
    client.force_login(signed_in)
    response = client.get("/accounts/password/set/")
    assert response.status_code == 200
    assert_in_the_sites_layout(response.content.decode())
    assert_in_the_sites_voice(response.content.decode())


def test_the_reauthentication_page_is_the_sites(client, signed_in):
    html = client.get("/accounts/reauthenticate/").content.decode()
    assert_in_the_sites_layout(html)
    assert_in_the_sites_voice(html)


def test_a_pending_email_change_reads_as_the_site(client, signed_in):
    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "new-address@example.com"}, follow=True
    )
    html = response.content.decode()
    assert "new-address@example.com" in html
    assert_in_the_sites_voice(html)
    response = client.post(
        "/accounts/email/",
        {"action_remove": "", "email": "new-address@example.com"},
        follow=True,
    )
    assert_in_the_sites_voice(response.content.decode())


def test_what_signing_in_and_out_say_is_the_sites(client):
    member = UserFactory(verified=True)
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}, follow=True
    )
    assert f"You're signed in as {member.email}." in Page(response.content.decode()).shown
    assert_in_the_sites_voice(response.content.decode())
    response = client.post("/accounts/logout/", follow=True)
    assert "You're signed out." in Page(response.content.decode()).shown
    assert_in_the_sites_voice(response.content.decode())


def test_wrong_passwords_and_their_limit_are_told_in_the_sites_words(client):
    member = UserFactory(verified=True)
    for _ in range(6):
        response = client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
        assert_in_the_sites_voice(response.content.decode())
    assert "Too many failed attempts" in response.content.decode()


def test_a_rate_limited_account_request_gets_the_sites_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "1/m/ip"}
    client.post("/accounts/password/reset/", {"email": "x@example.com"})
    response = client.post("/accounts/password/reset/", {"email": "x@example.com"})
    assert response.status_code == 429
    assert_in_the_sites_layout(response.content.decode())
    assert_in_the_sites_voice(response.content.decode())


def test_every_account_email_reads_as_the_site(client, smtp_server):
    """Each email members can get: sign up, taken and unknown addresses, reset, the notices."""
    client.post("/accounts/signup/", {"email": "ada@example.com", "password1": NEW_PASSWORD})
    UserFactory(email="taken@example.com", verified=True)
    client.post("/accounts/signup/", {"email": "taken@example.com", "password1": NEW_PASSWORD})
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    member = UserFactory(verified=True)
    client.post("/accounts/password/reset/", {"email": member.email})
    response = client.get(reset_key_path(member), follow=True)
    client.post(
        response.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    client.post("/accounts/login/", {"login": member.email, "password": NEW_PASSWORD})
    client.post(
        "/accounts/password/change/",
        {"oldpassword": NEW_PASSWORD, "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post("/accounts/email/", {"action_add": "", "email": "moved@example.com"})
    address = EmailAddress.objects.get(email="moved@example.com")
    client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")

    assert {r.message["Subject"] for r in smtp_server.sink.received} == {
        "Verdicts: Confirm your email address",  # on signing up, and for the new address
        "Verdicts: You already have an account",
        "Verdicts: No account for this address",
        "Verdicts: Reset your password",
        "Verdicts: Your password was reset",
        "Verdicts: Your password was changed",
        "Verdicts: Your email address was changed",
    }
    for received in smtp_server.sink.received:
        subject = received.message["Subject"].removeprefix("Verdicts: ")
        assert not_sentence_case(subject) == [], subject
        assert subject not in STOCK and not any(phrase in received.text for phrase in STOCK)
        assert received.text.startswith("Hello from Verdicts,")
