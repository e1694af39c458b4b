"""The site behind a real varnishd with the production configuration (deploy/varnish.vcl):
what anonymous readers share is served from Varnish, members pass to Django, a vote or an
edit purges what shows it before the request that made it has answered, and a reader who
has the page gets a 304.
"""

import contextlib
import http.client
import re
import time

import pytest
from django.test import Client

from core import httpcache
from core.pagecache import CONTENT
from reviews.services import review_save
from tests.factories import ToolFactory, UserFactory
from tests.support.celery_worker import database_url
from tests.support.server import Gunicorn
from tests.support.smtp import free_port
from tests.support.varnish import INSTALLED, Varnish
from tools.models import Tool

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the server sees committed rows only
    pytest.mark.skipif(not INSTALLED, reason="varnishd is not installed (apt-get install varnish)"),
]

SLUG = "smolvlm2-turbo"
PAGE = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read().decode()

    def __getitem__(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def from_varnish(self) -> bool:
        """Served from an object Varnish kept: X-Varnish names this request and the one
        that fetched the object."""
        return len((self["X-Varnish"] or "").split()) == 2

    def votes(self, slug: str) -> str:
        pattern = rf'id="community-figure-{slug}".*?figure__note">([^<]+)<'
        figure = re.search(pattern, self.body, re.S)
        return figure.group(1)


def fetch(base: str, path: str, *, method: str = "GET", headers=None, body=None) -> Answer:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Answer(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn and Varnish in front of it, each told of the other, started once for the
    module (each test's data is its own: the servers read whatever the database holds)."""
    from django.conf import settings

    port = free_port()
    workdir = tmp_path_factory.mktemp("varnish")
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "HTTP_CACHE_PURGE_URLS": f"http://127.0.0.1:{port}",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # sessions made here are good there
    }
    with contextlib.ExitStack() as stack:
        web = stack.enter_context(Gunicorn(env=env, logfile=workdir / "gunicorn.log"))
        cache = stack.enter_context(Varnish(upstream_port=web.port, workdir=workdir, port=port))
        yield web, cache


@pytest.fixture
def stack(servers, demo, settings):
    """The servers, Varnish emptied of the last test's pages; the test process's own
    services purge the same Varnish, and share the server's Redis page cache."""
    web, cache = servers
    settings.HTTP_CACHE_PURGE_URLS = [cache.base]
    everything = {"xkey-purge": "content"}  # every shared page depends on it
    assert fetch(cache.base, "/", method="PURGE", headers=everything).status == 200
    return web, cache


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_an_anonymous_page_is_served_from_varnish_the_second_time(stack):
    _, cache = stack
    first, second = fetch(cache.base, PAGE), fetch(cache.base, PAGE)
    assert first.status == second.status == 200
    assert not first.from_varnish and second.from_varnish
    assert second["X-Cache"] == "hit" and second.body == first.body
    for answer in (first, second):
        assert answer["Set-Cookie"] is None  # nothing of anyone's on a shared page
        assert answer["Cache-Control"] == "public, max-age=0, s-maxage=600"
        assert answer["xkey"] is None  # the keys are for Varnish only
    # A fragment is an object of its own, not the full page served to htmx.
    fragment = fetch(cache.base, PAGE, headers={"HX-Request": "true"})
    assert not fragment.from_varnish
    assert fetch(cache.base, PAGE, headers={"HX-Request": "true"}).from_varnish


def test_a_signed_in_member_passes_to_django_and_sees_their_own_vote(stack):
    from reviews.services import vote_cast

    _, cache = stack
    member = UserFactory()
    vote_cast(member=member, tool=Tool.objects.get(slug=SLUG), value="ship")
    fetch(cache.base, PAGE), fetch(cache.base, PAGE)  # the shared page, kept
    cookie = {"Cookie": f"csrftoken=x; sessionid={session_of(member)}"}
    for _ in range(2):
        mine = fetch(cache.base, PAGE, headers=cookie)
        assert mine.status == 200 and not mine.from_varnish
        assert 'aria-pressed="true"' in mine.body
        assert "private" in mine["Cache-Control"]
    theirs = fetch(cache.base, PAGE)
    assert theirs.from_varnish and 'aria-pressed="true"' not in theirs.body


def signed_in_post(base: str, path: str, session: str, data: str) -> Answer:
    """A form post as a member's browser sends it: through the CSRF check the site has
    (a token from the page where there is one, and the fetch metadata and origin)."""
    page = fetch(base, f"/tools/{SLUG}/", headers={"Cookie": f"sessionid={session}"})
    cookies = f"sessionid={session}"
    if token := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body):
        secret = re.search(r"csrftoken=([^;]+)", page["Set-Cookie"] or "")
        cookies += f"; csrftoken={secret.group(1)}" if secret else ""
        data += f"&csrfmiddlewaretoken={token.group(1)}"
    headers = {
        "Cookie": cookies,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": base,
        "Sec-Fetch-Site": "same-origin",
        "HX-Request": "true",
    }
    return fetch(base, path, method="POST", headers=headers, body=data)


def within_a_second(base: str, path: str, shows) -> "Answer":
    """The page through Varnish once ``shows(answer)``: purges go from the site's purging
    thread, so a change shows within a second of its commit, not before the request ends."""
    deadline = time.monotonic() + 1
    while not shows(answer := fetch(base, path)):
        assert time.monotonic() < deadline, f"{path} still the old copy after a second"
        time.sleep(0.02)
    return answer


def test_a_members_vote_is_visible_through_varnish_within_a_second(stack):
    _, cache = stack
    tool = Tool.objects.get(slug=SLUG)
    before = fetch(cache.base, PAGE).votes(SLUG)
    assert fetch(cache.base, PAGE).from_varnish
    voted = signed_in_post(
        cache.base, f"/tools/{SLUG}/vote/", session_of(UserFactory()), "value=ship"
    )
    assert voted.status == 200, voted.body[:500]
    tool.refresh_from_db()
    now = f"ship · {tool.community.count}"  # "12 votes", or "Preliminary (1 of 10 votes)"
    after = within_a_second(cache.base, PAGE, lambda answer: answer.votes(SLUG) == now)
    assert now != before
    assert not after.from_varnish  # purged by the vote, fetched again


def test_an_editors_changes_are_visible_through_varnish_within_a_second(stack):
    _, cache = stack
    tool_page, search = f"/tools/{SLUG}/", "/tools/?q=brand"
    fetch(cache.base, tool_page), fetch(cache.base, search)
    assert fetch(cache.base, tool_page).from_varnish and fetch(cache.base, search).from_varnish

    review = Tool.objects.get(slug=SLUG).reviews.order_by("pk").first()
    review.score = 13
    review_save(review=review)
    changed = within_a_second(cache.base, tool_page, lambda answer: "13/100" in answer.body)
    assert not changed.from_varnish

    # Through the admin: publishing a draft puts it in the catalogue.
    draft = ToolFactory(name="Brand New Tool", draft=True)
    editor = Client()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    editor.post("/admin/tools/tool/", {"action": "publish", "_selected_action": [draft.pk]})
    within_a_second(cache.base, search, lambda answer: "Brand New Tool" in answer.body)


def test_a_tools_badge_is_kept_by_varnish_and_purged_when_its_verdict_moves(stack):
    _, cache = stack
    badge = f"/tools/{SLUG}/badge.svg"
    first, second = fetch(cache.base, badge), fetch(cache.base, badge)
    assert first.status == 200 and first["Content-Type"].startswith("image/svg+xml")
    assert second.from_varnish and second.body == first.body and second["xkey"] is None
    again = fetch(cache.base, badge, headers={"If-None-Match": first["ETag"]})
    assert again.status == 304

    review = Tool.objects.get(slug=SLUG).reviews.order_by("pk").first()
    review.score = 13
    review_save(review=review)
    changed = within_a_second(cache.base, badge, lambda answer: answer.body != first.body)
    assert not changed.from_varnish and changed["ETag"] != first["ETag"]


def test_a_reader_who_has_the_page_gets_a_304_from_varnish_and_from_django(stack):
    web, cache = stack
    page = fetch(cache.base, PAGE)
    etag = page["ETag"]
    assert etag.startswith('W/"') and page["Last-Modified"]
    again = fetch(cache.base, PAGE, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == "" and again.from_varnish
    assert fetch(cache.base, PAGE, headers={"If-None-Match": '"other"'}).status == 200

    direct = fetch(web.base, PAGE, headers={"If-None-Match": etag})
    assert direct.status == 304 and direct["ETag"] == etag
    assert direct["X-Page-Cache"] == "hit" and direct.body == ""

    # After an edit the page is another: the old validator gets the new page.
    review = Tool.objects.get(slug=SLUG).reviews.order_by("pk").first()
    review.score = 14
    review_save(review=review)
    deadline = time.monotonic() + 1  # the purge goes from a thread, within a second
    while (changed := fetch(cache.base, PAGE, headers={"If-None-Match": etag})).status == 304:
        assert time.monotonic() < deadline, "the edited page was not purged within a second"
        time.sleep(0.02)
    assert changed.status == 200 and changed["ETag"] != etag


def test_only_the_site_may_purge(stack):
    _, cache = stack
    fetch(cache.base, PAGE)
    purge = b"PURGE / HTTP/1.1\r\nHost: 127.0.0.1\r\nxkey-purge: content\r\n"
    purge += b"Connection: close\r\n\r\n"
    # From an address outside the purgers' network (said with the PROXY protocol).
    assert cache.send_via_proxy_protocol("203.0.113.9", purge).startswith(b"HTTP/1.1 403")
    # From inside it, but passed on by a proxy (nginx) for someone else.
    forwarded = {"xkey-purge": "content", "X-Forwarded-For": "203.0.113.9"}
    assert fetch(cache.base, "/", method="PURGE", headers=forwarded).status == 403
    assert fetch(cache.base, PAGE).from_varnish  # still there
    assert fetch(cache.base, "/", method="PURGE", headers={"xkey-purge": "content"}).status == 200
    assert not fetch(cache.base, PAGE).from_varnish


def test_a_page_that_reached_varnish_just_after_a_purge_is_purged_again(stack):
    """A page read at the old versions, still on its way when the change's purge went by:
    the purge comes again a moment later."""
    _, cache = stack
    httpcache.purge([CONTENT])  # the change commits and purges
    fetch(cache.base, PAGE)  # the page in flight arrives
    assert fetch(cache.base, PAGE).from_varnish
    time.sleep(httpcache.REPURGE_AFTER + 0.5)
    assert not fetch(cache.base, PAGE).from_varnish
