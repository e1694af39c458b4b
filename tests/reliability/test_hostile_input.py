"""Random and hostile requests to every form and endpoint (hypothesis): never a 5xx, and no
row changes unless the request was one the site should act on.

Each example is one request: a method (wrong ones too), a path (absurd slugs, forged and
expired tokens), a query string (raw bytes, invalid UTF-8, SQL and HTML payloads), a body
(fields with the same, raw invalid UTF-8, a huge one, too many fields, the wrong content
type) and an origin: a page of the site, no browser, or another site (by Sec-Fetch-Site or
by Origin alone). An oracle written from the request
alone says whether the site may act on it: only then may the rows of votes, bookmarks,
subscribers and members (and the counts on tools) change. Rate limits are lifted so that
every request reaches its view; they are tested in test_abuse.py.

The figures (examples per endpoint, 5xx seen, refused requests that changed rows) print
with ``-s``; SECURITY.md quotes them.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings

from tests.factories import ToolFactory
from tests.reliability.hostile import Attempt, Clients, nul_in, rows
from tests.reliability.hostile_endpoints import ENDPOINTS, Site

pytestmark = pytest.mark.django_db

CONTENT_TYPE = "application/x-www-form-urlencoded"
# Sign-up acts only when its answer says so: the redirect to "check your inbox".
ACTED_WHEN = {"sign-up": lambda response: response.status_code == 302}


@pytest.fixture
def no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False
    settings.RATELIMIT_ENABLE = False


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.usefixtures("no_rate_limits")
def test_hostile_requests_never_fail_and_change_nothing_they_should_not(name):
    endpoint = ENDPOINTS[name]
    site = Site.build()
    clients = Clients(site.member)
    acted_when = ACTED_WHEN.get(name, lambda response: True)
    seen = {"examples": 0, "5xx": 0, "refused": 0, "refused but changed": 0, "acted": 0}

    @hypothesis_settings(
        max_examples=endpoint.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(attempt=endpoint.attempts(site))
    def request_is_survived(attempt: Attempt):
        before = rows()
        try:
            response = clients.send(attempt)
        except Exception as error:  # the test client re-raises what became a 500
            raise AssertionError(f"{attempt!r} raised {error!r}") from error
        after = rows()
        seen["examples"] += 1
        seen["5xx"] += response.status_code >= 500
        assert response.status_code < 500, attempt
        if attempt.may_act and not nul_in(attempt.query) and acted_when(response):
            seen["acted"] += 1
            assert response.status_code in (200, 302), attempt
        else:
            seen["refused"] += 1
            seen["refused but changed"] += before != after
            assert before == after, f"{attempt} changed rows with answer {response.status_code}"
        clients.reset_reader()

    if endpoint.genuine:
        request_is_survived = example(attempt=endpoint.genuine(site))(request_is_survived)
    request_is_survived()
    print(f"\nhostile input, {name}: {seen}")
    assert seen["acted"] >= (1 if endpoint.genuine else 0)


HUGE = b"email=" + b"a" * 3_000_000
MANY = b"&".join(b"f%d=1" % n for n in range(1500))


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        # A form too big or with too many fields, to an address with no page (or a 403):
        # the error page read it again for its CSRF token, and answered 500.
        ("POST", "/no-such-page/", HUGE, 404),
        ("POST", "/no-such-page/", MANY, 404),
        # NUL in the address: PostgreSQL cannot compare it, and the lookup answered 500.
        ("GET", "/compare/?category=%00", b"", 400),
        ("GET", "/api/tools/?category=a%00", b"", 422),
        ("GET", "/api/tools/a%00b/", b"", 422),
        ("GET", "/api/tools/?q=a%00b", b"", 422),
        ("GET", "/admin/tools/tool/?status__exact=%00", b"", 400),
        # A slug past 250 characters set off Django's memcached key warning on every
        # request (logged in production, an error under this suite's warning filter).
        ("GET", "/tools/" + "a" * 300 + "/", b"", 404),
    ],
)
def test_requests_that_once_answered_500(method, path, body, status):
    client = Client(enforce_csrf_checks=True)  # a browser with a page of the site open
    path, _, query = path.partition("?")
    response = client.generic(
        method, path, body, "application/x-www-form-urlencoded", QUERY_STRING=query,
        HTTP_SEC_FETCH_SITE="same-origin",
    )  # fmt: skip
    assert response.status_code == status


@pytest.mark.parametrize(
    ("method", "path", "data", "headers"),
    [
        # Addresses that are no URL at all: Python's URL parser raises on them.
        ("GET", "/tools/?q=a", {}, {"HX-Request": "true", "HX-Current-URL": "http://[::1"}),
        ("GET", "/accounts/login/?next=//[::1", {}, {}),
        ("POST", "/accounts/login/", {"login": "a@example.com", "next": "//[::1"}, {}),
        ("POST", "/accounts/password/reset/", {"email": "a@example.com", "next": "//[::1"}, {}),
    ],
)
def test_addresses_that_are_no_url_are_ignored(client, method, path, data, headers):
    ToolFactory()
    response = client.generic(method, path, urlencode(data), CONTENT_TYPE, headers=headers)
    assert response.status_code in (200, 302)
