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
    """A cache that takes a while over each purge, and notes the keys of each."""

    received: list[str] = []

    def do_PURGE(self):
        self.received.append(self.headers[httpcache.PURGE_HEADER])
        time.sleep(0.2)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_purges_that_wait_for_the_purging_thread_go_as_one_request(settings):
    """A burst of changes costs the cache a few purges naming all their keys, each key
    once, and each sent again later: not two requests per change."""
    _SlowPurges.received = received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowPurges)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{server.server_port}"]
    try:
        for number in range(10):  # the first is being sent while the others wait
            httpcache.purge(["votes", f"tool:t{number}"])
        deadline = time.monotonic() + httpcache.REPURGE_AFTER + 3
        while time.monotonic() < deadline and sum(k.count("tool") for k in received) < 20:
            time.sleep(0.05)
    finally:
        server.shutdown()
    named = [keys.split(" ") for keys in received]
    assert len(received) <= 5
    assert all(len(keys) == len(set(keys)) for keys in named)  # each key once per purge
    for number in range(10):  # every change purged now and again later
        assert sum(f"tool%3At{number}" in keys for keys in named) == 2
