"""What pages tell the HTTP cache in front (core/httpcache.py), as Django sends them: shared
pages with surrogate keys and a validator, everything else private; and purges that never
hold up or break the request that changed something. tests/core/test_varnish.py has the
same through a real Varnish."""

import http.server
import logging
import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client

from core import httpcache, pagecache
from reviews.services import review_save

pytestmark = pytest.mark.django_db(transaction=True)  # versions move on commit


def test_a_page_readers_share_is_public_for_shared_caches_and_names_what_it_shows(client, pair):
    response = client.get(pair.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=600"
    keys = response["xkey"].split(" ")
    assert keys[0] == "content"
    assert {f"tool%3A{tool.slug}" for tool in pair.tools} <= set(keys)
    assert "HX-Request" in response["Vary"]
    assert response["ETag"].startswith('W/"') and response["Last-Modified"].endswith("GMT")
    hit = client.get(pair.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert (hit["ETag"], hit["xkey"], hit["Cache-Control"]) == (
        response["ETag"],
        response["xkey"],
        response["Cache-Control"],
    )
    assert "HX-Request" in hit["Vary"]  # a hit varies as the page it was kept from


def test_a_reader_who_has_the_page_gets_a_304_until_it_changes(client, pair):
    url = pair.get_absolute_url()
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and "public" in again["Cache-Control"]

    client.get(url, headers={"If-None-Match": etag})
    review = pair.tool_a.reviews.get()
    review.score = 12
    review_save(review=review)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "12/100" in changed.content.decode()


def test_the_same_page_rendered_again_keeps_its_validator(client, pair):
    """Once the kept copy expired (or was evicted), a cache asking again still gets a 304
    when the page came out the same."""
    url = pair.get_absolute_url()
    etag = client.get(url)["ETag"]
    cache.delete_many(cache.keys("page:*"))
    pagecache.memory_clear()  # and out of this worker's memory (core/pagecache.py)
    rendered_again = client.get(url, headers={"If-None-Match": etag})
    assert rendered_again.status_code == 304 and rendered_again["X-Page-Cache"] == "miss"


def test_members_and_sessions_get_private_pages(pair, member):
    url = pair.get_absolute_url()
    signed_in = Client()
    signed_in.force_login(member)
    mine = signed_in.get(url)
    assert "private" in mine["Cache-Control"] and "public" not in mine["Cache-Control"]
    assert "xkey" not in mine and "ETag" not in mine

    # A reader who saved a bookmark and took it back has a session but nothing in it: the
    # page cache may serve them, but no shared cache may keep what they were sent.
    reader = Client()
    reader.post(f"/tools/{pair.tool_a.slug}/bookmark/", {"saved": "1"})
    reader.post(f"/tools/{pair.tool_a.slug}/bookmark/", {"saved": "0"})
    assert "sessionid" in reader.cookies
    theirs = reader.get(url)
    assert "private" in theirs["Cache-Control"] and "xkey" not in theirs


def test_an_answer_not_kept_is_private(client, pair):
    response = client.get("/compare/?page=999")
    assert response["X-Page-Cache"] == "skip"
    assert "private" in response["Cache-Control"] and "xkey" not in response


def test_a_cdn_gets_its_own_header(client, pair, settings):
    settings.HTTP_CACHE_KEY_HEADER = "Cache-Tag"  # Cloudflare: comma-separated
    response = client.get(pair.get_absolute_url())
    assert response["Cache-Tag"].startswith("content, ") and "xkey" not in response
    settings.HTTP_CACHE_KEY_HEADER = "Surrogate-Key"  # Fastly: space-separated
    assert client.get(pair.get_absolute_url())["Surrogate-Key"].startswith("content tool%3A")


def test_no_shared_caching_at_all_when_turned_off(client, pair, settings):
    settings.HTTP_CACHE_SECONDS = 0
    response = client.get(pair.get_absolute_url())
    assert "private" in response["Cache-Control"] and "xkey" not in response


def test_a_cache_that_does_not_answer_costs_the_voter_nothing_and_a_line_in_the_log(
    pair, member, settings, caplog
):
    """Purges go from the process's purging thread: the vote does not wait for them."""
    silent = socket.socket()  # takes the connection, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    closed = socket.socket()  # nothing listening
    closed.bind(("127.0.0.1", 0))
    settings.HTTP_CACHE_PURGE_URLS = [
        f"http://127.0.0.1:{silent.getsockname()[1]}",
        f"http://127.0.0.1:{closed.getsockname()[1]}",
    ]
    settings.HTTP_CACHE_PURGE_TIMEOUT = 0.3
    voter = Client()
    voter.force_login(member)
    with caplog.at_level(logging.WARNING, logger="core.httpcache"):
        started = time.monotonic()
        response = voter.post(f"/tools/{pair.tool_a.slug}/vote/", {"value": "ship"})
        took = time.monotonic() - started
        assert response.status_code == 302
        assert pair.tool_a.votes.count() == 1
        assert took < 0.3  # less than one purge's timeout
        deadline = time.monotonic() + 3
        while len(caplog.records) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    silent.close(), closed.close()
    purges = [record.getMessage() for record in caplog.records]
    assert len(purges) >= 2 and all("not purged of votes tool%3A" in line for line in purges)


class _SlowPurges(http.server.BaseHTTPRequestHandler):
    """A cache that takes a while over each purge, and notes when it got which keys."""

    received: list[tuple[float, list[str]]] = []

    def do_PURGE(self):
        keys = self.headers[httpcache.PURGE_HEADER].split(" ")
        self.received.append((time.monotonic(), keys))
        time.sleep(0.2)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_cache(settings):
    """A slow cache the site purges, and the purges it got."""
    _SlowPurges.received = received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowPurges)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}"]
    yield received
    server.shutdown()
    server.server_close()


def sends_of(received, key: str) -> list[float]:
    return [when for when, keys in received if key in keys]


def test_purges_that_wait_for_the_purging_thread_go_as_one_request(slow_cache):
    """A burst of changes costs the cache a few purges naming all their keys, each key
    once, and each sent again later: not two requests per change."""
    for number in range(10):  # the first is being sent while the others wait
        httpcache.purge(["votes", f"tool:t{number}"])
    deadline = time.monotonic() + httpcache.REPURGE_AFTER + 3
    while time.monotonic() < deadline and sum(len(keys) for _, keys in slow_cache) < 22:
        time.sleep(0.05)
    assert len(slow_cache) <= 5
    assert all(len(keys) == len(set(keys)) for _, keys in slow_cache)  # each key once
    for number in range(10):  # every change purged now and again later
        assert len(sends_of(slow_cache, f"tool%3At{number}")) == 2


def test_a_steady_stream_of_changes_does_not_hold_back_the_purges_due_again(slow_cache):
    """Purges due again go before new ones: while changes keep coming faster than the cache
    answers, the first change is still purged again about REPURGE_AFTER after the first time."""
    started = time.monotonic()
    number = 0
    while time.monotonic() < started + 3 * httpcache.REPURGE_AFTER:
        httpcache.purge([f"tool:s{number}"])
        number += 1
        time.sleep(0.02)
    first = sends_of(slow_cache, "tool%3As0")
    assert len(first) == 2, "the first change was not purged again while changes kept coming"
    assert first[1] - first[0] < httpcache.REPURGE_AFTER + 0.5
    assert len(slow_cache) < number / 3  # and the stream itself still went in few requests


def test_a_purge_naming_many_long_keys_is_split_to_fit_a_request_header(slow_cache):
    names = [f"tool:{'x' * 100}-{number}" for number in range(120)]
    httpcache.purge(names)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and sum(len(keys) for _, keys in slow_cache) < 120:
        time.sleep(0.05)
    assert sum(len(keys) for _, keys in slow_cache[:3]) == 120
    assert all(len(" ".join(keys)) <= httpcache.PURGE_HEADER_BYTES for _, keys in slow_cache)
    assert len(slow_cache) >= 3


def test_the_purging_thread_outlives_an_error_it_did_not_expect(settings, caplog):
    settings.HTTP_CACHE_PURGE_URLS = ["varnish:6081"]  # no scheme: the address has no host
    with caplog.at_level(logging.ERROR, logger="core.httpcache"):
        httpcache.purge(["content"])
        deadline = time.monotonic() + 2
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.02)
    assert caplog.records and httpcache._Purger.running().is_alive()
