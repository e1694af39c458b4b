"""No anonymous GET changes a row: every address the site has, with real and malformed
parameters and query strings, against a fingerprint of every table.

The addresses come from the URLconf itself (the site's, allauth's, the admin's, the API,
the feeds), so one added later is crawled too. A parameter takes real values (a published
tool, a pending subscriber's confirmation link, a member's reset link) and made-up ones.
"""

import re
from functools import partial
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.tokens import PasswordResetTokens
from comparisons.models import Comparison
from newsletter.links import confirmation_token
from newsletter.models import Edition
from reviews.models import Persona
from tests.factories import EditionFactory, SubscriberFactory, UserFactory
from tests.support.snapshot import changed, every_row
from tools.models import Category, Tool

pytestmark = pytest.mark.django_db

MADE_UP = ["x", "999999", "b-1-x", "é" * 100, "Mg:1xYZ1H:%FF"]
# Sent with HX-Request too. A NUL anywhere in the query is refused before any view.
MALFORMED = "page=-1&q=%FF%FE&next=%2F%2F%5B%3A%3A1&category=x&sort=%27&format=text&p=9e9"
QUERIES = ["", MALFORMED]
# "(?P<name>...)" in a regex route, "<conv:name>" or "<name>" in a path route.
PARAMETER = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)|<(?:\w+:)?(\w+)>")


def routes() -> list[str]:
    """Every route in the URLconf, its prefixes joined, as a template."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                assert isinstance(pattern, URLPattern)
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def values(demo) -> dict[str, list[str]]:
    """Real values for each parameter, by name (a made-up value is tried for every one)."""
    now = timezone.now()
    edition = EditionFactory(status=Edition.Status.SENT, started_at=now, sent_at=now)
    pending, active = SubscriberFactory(pending=True), SubscriberFactory()
    bare = UserFactory()  # made as the admin or a command makes members: no address row
    member = UserFactory(verified=True)
    unconfirmed = EmailAddress.objects.create(user=UserFactory(), email="new@example.com")
    tools = Tool.objects.published()
    return {
        "slug": [
            tools.first().slug,
            Comparison.objects.published().first().slug,
            Category.objects.first().slug,
            Persona.objects.first().slug,
        ],
        "token": [confirmation_token(pending.token), str(active.token), str(pending.token)],
        "key": [
            edition.key,
            EmailConfirmationHMAC(unconfirmed).key,
            PasswordResetTokens().make_token(member),
            "set-password",
        ],
        "uidb36": [user_pk_to_url_str(bare), user_pk_to_url_str(member)],
        "object_id": [str(tools.first().pk), str(member.pk)],
        "id": [str(member.pk)],
        "app_label": sorted({model._meta.app_label for model in admin_site._registry}),
        "rest": ["", f"{member.pk}/change/"],
        "url": ["nothing/here/"],
    }


def addresses(values: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each route's addresses, with every real value and every made-up one in its
    parameters (all parameters of a route take the same choice, real or made-up, in turn)."""
    found = {}
    for route in routes():
        names = [a or b for a, b in PARAMETER.findall(route)]
        # The admin sends a signed-out reader to sign in before it reads any parameter.
        made_up = MADE_UP[:1] if route.startswith("admin/") else MADE_UP
        choices = max([len(values.get(name, [])) for name in names], default=0) + len(made_up)
        urls = {
            "/" + PARAMETER.sub(partial(pick, values, made_up, n=n), route)
            for n in range(choices if names else 1)
        }
        found.setdefault(route, []).extend(sorted(urls))
    return found


def pick(values: dict[str, list[str]], made_up: list[str], match: re.Match, *, n: int) -> str:
    """The ``n``th value for the parameter ``match`` found: its real ones, then made-up."""
    real = values.get(match[1] or match[2], [])
    picked = real[n] if n < len(real) else made_up[(n - len(real)) % len(made_up)]
    return quote(picked, safe="%:")


def test_no_anonymous_get_changes_a_row(values):
    by_route = addresses(values)
    # The link, and a made-up reset link for a member with no address row (it
    # wrote one): every parameter also takes each real value of the others' kinds.
    by_route["the issue's reset link"] = ["/accounts/password/reset/key/b-1-x/"]
    urls = [url for group in by_route.values() for url in group]
    assert f"/accounts/password/reset/key/{values['uidb36'][0]}-{values['key'][0]}/" in urls
    assert "/admin/login/" in urls and "/feeds/comparisons/" in urls and "/api/tools/" in urls
    assert len(urls) > 350
    answers, wrote = {}, []
    for route, group in by_route.items():
        before = every_row()
        for url in group:
            for query in QUERIES[:1] if url.startswith("/admin/") else QUERIES:
                htmx = "true" if query else ""
                answers[url, query] = Client().get(url, QUERY_STRING=query, HTTP_HX_REQUEST=htmx)
        if tables := changed(before, every_row()):
            wrote.append(f"{route} ({group}) changed {tables}")
    assert not wrote
    assert not [request for request, response in answers.items() if response.status_code >= 500]
    print(f"\nanonymous GETs: {len(answers)} to {len(urls)} addresses, rows changed: 0")
