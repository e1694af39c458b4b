"""Each worker's memory of the pages it served last (core/pagecache.py): served again only at
the versions they were rendered at, within their lifetime, and never across a Redis that
started again empty."""

import time

import pytest
from django.core.cache import cache

from core import pagecache
from reviews.services import vote_cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # versions move on commit


def state(response) -> str:
    return response.get("X-Page-Cache", "none")


def test_a_page_in_memory_is_served_without_redis_sending_it_again(client, pair):
    url = pair.get_absolute_url()
    first = client.get(url)
    assert state(first) == "miss"
    cache.delete_many(cache.keys("page:*"))  # Redis no longer has it: this worker does

    again = client.get(url)
    assert state(again) == "hit" and again.content == first.content


def test_a_page_in_memory_is_let_go_once_what_it_shows_changes(client, pair):
    url = pair.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"

    vote_cast(member=UserFactory(), tool=pair.tool_a, value="ship")

    changed = client.get(url)
    assert state(changed) == "miss"
    assert "1 of 10 votes" in changed.content.decode()
    assert state(client.get(url)) == "hit"


def test_a_redis_that_started_again_empty_is_a_new_generation(client, pair):
    """Versions count again from nothing in a Redis that restarted empty: counted back to the
    same numbers, they must not match a page this worker kept from before."""
    url = pair.get_absolute_url()
    client.get(url)
    generation = pagecache.versions_key(pagecache.GENERATION)
    versions = {key: cache.get(key) for key in cache.keys("version:*") if key != generation}

    cache.clear()  # as a restart of a Redis that keeps nothing on disk
    vote_cast(member=UserFactory(), tool=pair.tool_a, value="ship")
    # Every version back at what the page was kept at (one not there then is 0: not there).
    cache.delete_many([key for key in cache.keys("version:*") if key != generation])
    cache.set_many(versions, timeout=None)

    page = client.get(url)
    assert state(page) == "miss"
    assert "1 of 10 votes" in page.content.decode()


def test_a_page_is_not_served_from_memory_past_its_lifetime(client, pair, settings):
    settings.PAGE_CACHE_SECONDS = 1
    url = pair.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    time.sleep(1.1)
    assert state(client.get(url)) == "miss"


def test_memory_keeps_the_pages_served_last_within_its_bound(settings):
    settings.PAGE_MEMORY_BYTES = 1000
    memory = pagecache._Memory()

    def entry(size: int) -> pagecache._Kept:
        return pagecache._Kept(pagecache._Entry("text/html", b"x" * size, b"", time.time(), '"e"'))

    for key in "abc":
        memory.keep(key, "g:1", entry(240))
    assert memory.get("a", "g:1") is not None  # served last now: c, then a
    memory.keep("d", "g:1", entry(240))
    memory.keep("e", "g:1", entry(240))  # 5 x 240 > 1000: the least recently served goes

    assert [key for key in "abcde" if memory.holds(key)] == ["a", "c", "d", "e"]
    memory.keep("big", "g:1", entry(300))  # over a quarter of the bound: never kept
    assert not memory.holds("big")
    assert memory.get("a", "g:2") is None and not memory.holds("a")  # other versions: let go
