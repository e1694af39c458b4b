"""HEAD is GET without the body, on every address the site answers GET at.

Uptime monitors and link checkers ask with HEAD; a 405 there reads as "the site is down".
The addresses come from the URLconf itself, so a page added later is checked too: one whose
address takes arguments needs an entry in ``arguments()`` (or a reason in ``NOT_PAGES``).
"""

import socket

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from comparisons.models import Comparison
from newsletter.links import confirmation_token
from newsletter.models import Edition
from reviews.models import Persona
from tests.factories import EditionFactory, SubscriberFactory, ToolFactory, UserFactory
from tests.support.celery_worker import database_url
from tests.support.server import Gunicorn
from tools.models import Category, Tool
from watchlists import links as watchlist_links
from watchlists.models import Follow, Follower

# URL names whose pages are not for GET, or are the admin's (checked separately below).
NOT_PAGES = {
    "tools:tool-bookmark",  # POST only
    "reviews:tool-vote",  # POST only
    "reviews:weights-keep",  # POST only
    "watchlists:follow",  # POST only
    "watchlists:follow-by-email",  # POST only
    "newsletter:subscribe",  # checked: it has no arguments, so it is in the sweep
    "account_confirm_email",  # allauth's, keyed by a one-time key
    "account_reset_password_from_key",  # allauth's, keyed by a one-time key
}


def arguments(names: dict) -> dict[str, list]:
    """Sample arguments, by URL name, for every address that takes some."""
    return {
        "comparisons:comparison-detail": [names["comparison"]],
        "comparisons:tool-detail": [names["tool"]],
        "comparisons:comparison-share-image": [names["comparison"]],
        "comparisons:tool-share-image": [names["tool"]],
        "tools:tool-badge": [names["tool"]],
        "comparisons:comparison-markdown": [names["comparison"]],
        "comparisons:tool-markdown": [names["tool"]],
        "comparisons:data-export": ["verdicts", "csv"],
        "comparisons:tool-history-feed": [names["tool"]],
        "comparisons:category-detail": [names["category"]],
        "comparisons:category-feed": [names["category"]],
        "reviews:persona-detail": [names["persona"]],
        "newsletter:confirm": [names["confirm"]],
        "newsletter:unsubscribe": [names["unsubscribe"]],
        "newsletter:edition": [names["edition"]],
        "watchlists:confirm": [names["follow-confirm"]],
        "watchlists:manage": [names["follow-manage"]],
        "watchlists:unsubscribe": [names["follow-unsubscribe"]],
        "api:verdict-detail": [names["tool"]],
        "api:tool-detail": [names["tool"]],
        "api:tool-history": [names["tool"]],
        "api:persona-detail": [names["persona"]],
        "api:comparison-detail": [names["comparison"]],
    }


def site_patterns() -> list[tuple[str, URLPattern]]:
    """(URL name, pattern) for every named address outside the admin."""
    found = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                found.append((f"{namespace}{pattern.name}", pattern))

    walk(get_resolver().url_patterns)
    return found


def addresses(names: dict) -> list[str]:
    samples = arguments(names)
    urls = []
    for name, pattern in site_patterns():
        if name in NOT_PAGES or name == "api:api-root":
            continue
        if pattern.pattern.regex.groups:
            assert name in samples, f"{name} takes arguments: give it a sample in arguments()"
            urls.append(reverse(name, args=samples[name]))
        else:
            urls.append(reverse(name))
    return urls


FIXED = [
    "/compare/?category=developer-tools",
    "/tools/?q=mistral",
    "/sitemap.xml",
    "/newsletter/subscribe/",
]


@pytest.fixture
def names(demo):
    now = timezone.now()
    edition = EditionFactory(status=Edition.Status.SENT, started_at=now, sent_at=now)
    subscriber = SubscriberFactory(pending=True)
    tools = list(Tool.objects.published().order_by("slug")[:3])
    return {
        "tool": tools[0].slug,
        "comparison": Comparison.objects.published().first().slug,
        "category": Category.objects.first().slug,
        "persona": Persona.objects.first().slug,
        "confirm": confirmation_token(subscriber.token),
        "unsubscribe": str(subscriber.token),
        "edition": edition.key,
        "three": ",".join(tool.slug for tool in tools),
        **follow_links(tools[0]),
    }


def follow_links(tool) -> dict[str, str]:
    """A follow by email of ``tool``, and the signed links its emails carry."""
    follower = Follower.objects.create(email="follows@example.com")
    follow = Follow.objects.create(follower=follower, tool=tool)
    return {
        "follow-confirm": watchlist_links.confirmation_token(follow),
        "follow-manage": watchlist_links.manage_token(follower),
        "follow-unsubscribe": watchlist_links.unsubscribe_token(follower, ["call"]),
    }


def head_unlike_get(client: Client, url: str) -> str | None:
    """What HEAD answers differently from GET at ``url``, or None."""
    got = client.get(url)
    assert got.status_code != 405, f"{url} is not a GET page"
    head = client.head(url)
    if head.status_code != got.status_code:
        return f"{url}: HEAD {head.status_code}, GET {got.status_code}"
    if head.content:
        return f"{url}: HEAD has a body"
    if head.get("Content-Type") != got.get("Content-Type"):
        return f"{url}: HEAD is {head.get('Content-Type')}, GET {got.get('Content-Type')}"
    return None


@pytest.mark.django_db
def test_head_answers_like_get_on_every_page(client, names):
    urls = [*addresses(names), *FIXED, f"/compare/?tools={names['three']}"]
    assert "/healthz" in urls
    failures = [problem for url in urls if (problem := head_unlike_get(client, url))]
    assert not failures, failures


@pytest.mark.django_db
def test_head_answers_like_get_for_a_member(client, names):
    client.force_login(UserFactory())
    urls = ["/", "/bookmarks/", "/accounts/email/", "/accounts/password/change/"]
    assert not [problem for url in urls if (problem := head_unlike_get(client, url))]


@pytest.mark.django_db
def test_head_answers_like_get_on_the_editors_desk(client, names):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    edition = Edition.objects.get()
    urls = [
        "/admin/",
        "/admin/tools/tool/",
        f"/admin/tools/tool/{Tool.objects.first().pk}/change/",
        f"/admin/newsletter/edition/{edition.pk}/preview/",
        f"/admin/newsletter/edition/{edition.pk}/desk/",
    ]
    assert not [problem for url in urls if (problem := head_unlike_get(client, url))]


def raw_head(port: int, path: str) -> bytes:
    """Everything the server sends for a HEAD of ``path``, up to its closing the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


@pytest.mark.django_db(transaction=True)  # the server sees committed rows only
def test_the_production_server_sends_head_without_a_body(settings, tmp_path):
    tool = ToolFactory()
    env = {"DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL}
    with Gunicorn(env=env, logfile=tmp_path / "gunicorn.log") as server:
        for path in ["/healthz", "/", tool.get_absolute_url(), "/api/tools/"]:
            status, body = server.get(path)
            answer = raw_head(server.port, path)
            head, _, rest = answer.partition(b"\r\n\r\n")
            assert head.startswith(f"HTTP/1.1 {status} ".encode()), (path, head[:40])
            assert rest == b"", path
            assert body  # the GET had one
