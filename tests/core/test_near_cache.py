"""Each process's near cache of the small keys every page reads (core/nearcache.py): served
from memory only while Redis would answer the same, on a Redis of each test's own."""

import threading
import time

import pytest
from django.core.cache import caches
from django.test import Client

from core import nearcache
from tests.factories import UserFactory
from tests.support.redis import RedisServer

VERSION = "version:comparison:1"  # a tracked key (settings.NEAR_CACHE_PREFIXES)
UNTRACKED = "page:anything"


@pytest.fixture
def server(settings, tmp_path):
    with RedisServer(tmp_path) as server:
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
        yield server
        caches["default"].close()
        for near in nearcache._near.values():  # let go of this server's subscriber
            near.close()


@pytest.fixture
def cache(server):
    return caches["default"]


def made(cache, key: str) -> str:
    return cache.make_key(key)


def commands(server) -> int:
    """Commands the server ran for callers, not counting the near cache's own pings nor the
    connection that asks (its HELLO and INFO)."""
    stats = server.info("commandstats")
    skip = {"cmdstat_info", "cmdstat_ping", "cmdstat_hello", "cmdstat_client|setinfo"}
    return sum(stat["calls"] for name, stat in stats.items() if name not in skip)


def test_a_tracked_key_read_again_is_answered_from_memory(server, cache):
    cache.set(VERSION, 1, timeout=None)
    assert cache.get(VERSION) == 1
    before = commands(server)

    assert [cache.get(VERSION) for _ in range(50)] == [1] * 50
    assert cache.get_many([VERSION]) == {VERSION: 1}
    assert commands(server) == before


def test_a_key_redis_does_not_have_is_remembered_as_missing(server, cache):
    assert cache.get(VERSION, "none") == "none"
    before = commands(server)
    assert cache.get(VERSION, "none") == "none"
    assert commands(server) == before


def test_untracked_keys_are_always_read_from_redis(server, cache):
    cache.set(UNTRACKED, "x")
    cache.get(UNTRACKED)
    before = commands(server)
    assert cache.get(UNTRACKED) == "x"
    assert commands(server) == before + 1


def test_a_change_from_another_process_is_read_at_once(server, cache):
    """Another process's write, as plain commands on a connection of its own: each read
    after it was answered sees it, with no wait in between."""
    other = server.client()
    key = made(cache, VERSION)
    other.set(key, 0)
    for expected in range(1, 301):
        assert cache.get(VERSION) == expected - 1
        other.incr(key)
    assert cache.get(VERSION) == 300

    other.delete(key)
    assert cache.get(VERSION) is None
    other.set(key, 7)
    assert cache.get(VERSION) == 7


def test_a_key_that_expires_in_redis_is_let_go(server, cache):
    other = server.client()
    key = made(cache, VERSION)
    other.set(key, 5, px=50)
    assert cache.get(VERSION) == 5
    time.sleep(0.06)
    assert other.get(key) is None  # Redis expires it (here as it is read) and says so
    assert cache.get(VERSION) is None


def test_a_flushed_database_lets_everything_go(server, cache):
    cache.set(VERSION, 1, timeout=None)
    assert cache.get(VERSION) == 1
    server.client().flushall()
    assert cache.get(VERSION) is None


def test_a_read_racing_a_change_does_not_keep_the_older_value(server, cache):
    """A value is read from Redis, and before it is kept a change to it comes in (another
    thread's read took the message in meanwhile): the older value is not kept."""
    near, key, other = cache.client.near, made(cache, VERSION), server.client()
    other.set(key, 1)
    found, reading = near.held([key])
    assert found == {}
    value = other.get(key)  # the read, under way
    other.set(key, 2)  # the change
    near.held([made(cache, "version:another")])  # another read takes the message in
    near.keep(reading, {key: value})
    assert cache.get(VERSION) == 2


def test_threads_share_one_memory_and_see_each_change(server, cache):
    other, key = server.client(), made(cache, VERSION)
    other.set(key, 0)
    seen, failures = [], []

    def reader():
        while len(seen) < 400:
            floor = int(other.get(key))  # answered before the read below began
            value = caches["default"].get(VERSION)  # each thread has its own cache object
            if value < floor:
                failures.append((value, floor))
            seen.append(value)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for _ in range(100):
        other.incr(key)
    for thread in threads:
        thread.join(timeout=10)
    assert failures == []
    assert cache.get(VERSION) == 100


def test_a_connection_redis_closed_is_read_through_then_opened_again(server, cache, monkeypatch):
    monkeypatch.setattr(nearcache, "RETRY_SECONDS", 0.2)
    cache.set(VERSION, 1, timeout=None)
    assert cache.get(VERSION) == 1
    other = server.client()
    other.client_kill_filter(_type="pubsub")  # as when Redis drops a subscriber behind
    other.set(made(cache, VERSION), 2)  # a change its name never reaches this process for

    assert cache.get(VERSION) == 2  # read through Redis, not a miss
    assert cache.client.answering
    time.sleep(0.2)  # RETRY_SECONDS: then the near cache connects again
    assert cache.get(VERSION) == 2
    before = commands(server)
    assert cache.get(VERSION) == 2
    assert commands(server) == before  # memory again, over a new connection


def test_a_redis_that_stops_answering_is_not_trusted_past_its_bound(server, cache):
    """Frozen (SIGSTOP), Redis sends no more changes: memory is served for at most
    TRUST_SECONDS after Redis last answered, then each read is a miss as for any failure."""
    cache.set(VERSION, 1, timeout=None)
    assert cache.get(VERSION) == 1
    server.freeze()
    frozen = time.monotonic()
    while cache.get(VERSION) == 1:
        assert time.monotonic() - frozen < nearcache.TRUST_SECONDS + 1.0
        time.sleep(0.05)
    assert not cache.client.answering

    server.thaw()
    time.sleep(2.1)  # RETRY_AFTER_SECONDS: then the cache asks Redis again
    assert cache.get(VERSION) == 1
    assert cache.client.answering


def test_an_answer_read_late_does_not_vouch_for_redis_now(server, cache):
    """A ping answered, its pong left unread while the process sat idle, then Redis hung:
    the late pong says Redis was there when the ping went, not now."""
    cache.set(VERSION, 1, timeout=None)
    assert cache.get(VERSION) == 1
    near = cache.client.near
    near._heard_at -= nearcache.PING_SECONDS  # due for a ping: the next read sends one
    assert cache.get(VERSION) == 1
    assert near._pinged_at
    time.sleep(0.1)  # its pong is waiting, unread
    server.freeze()
    time.sleep(nearcache.TRUST_SECONDS)
    started = time.monotonic()
    assert cache.get(VERSION) is None  # a miss, as for any failure: not memory
    assert time.monotonic() - started < 0.5 + 0.3  # one socket timeout
    assert not cache.client.answering


def test_a_key_past_its_time_to_live_is_not_served_from_memory(settings, tmp_path, monkeypatch):
    """Redis sends an expired key's name only once it expires it, which for a key nobody
    reads can be long after its time (active expiry is off here, as if it had not reached
    the key yet): memory reads a key again after KEEP_SECONDS, and the read expires it."""
    monkeypatch.setattr(nearcache, "KEEP_SECONDS", 0.3)
    with RedisServer(tmp_path, "--enable-debug-command", "yes") as server:
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
        cache = caches["default"]
        other = server.client()
        other.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        other.set(cache.make_key(VERSION), 5, px=100)
        assert cache.get(VERSION) == 5
        time.sleep(0.35)
        assert cache.get(VERSION) is None
        cache.close()
        cache.client.near.close()


def test_a_thread_does_not_wait_for_another_waiting_on_redis(server, cache):
    cache.set(VERSION, 1, timeout=None)
    assert cache.get(VERSION) == 1
    near = cache.client.near
    with near._lock:  # as a thread waiting for Redis's answer holds it
        started = time.monotonic()
        assert cache.get(VERSION) == 1  # from Redis itself
        assert time.monotonic() - started < 0.3
        cache.set(VERSION, 2, timeout=None)  # a write does not wait either
        assert cache.get(VERSION) == 2
    assert cache.get(VERSION) == 2


def test_memory_is_bounded_in_bytes(server, settings):
    settings.NEAR_CACHE_BYTES = 20_000
    cache = caches["default"]
    near = cache.client.near
    assert near.limit == 20_000
    for number in range(400):
        cache.set(f"version:tool:{number}", number, timeout=None)
        cache.get(f"version:tool:{number}")
    assert 10_000 < near._bytes <= 20_000
    assert cache.get("version:tool:399") == 399  # the last read are kept
    before = commands(server)
    cache.get("version:tool:399")
    cache.get("version:tool:0")  # the first read were let go
    assert commands(server) == before + 1


def test_with_no_bytes_every_read_asks_redis(server, settings):
    settings.NEAR_CACHE_BYTES = 0
    cache = caches["default"]
    cache.set(VERSION, 1, timeout=None)
    cache.get(VERSION)
    before = commands(server)
    assert cache.get(VERSION) == 1
    assert commands(server) == before + 1
    assert cache.client.near is None


@pytest.mark.django_db(transaction=True)
def test_a_members_page_from_the_page_cache_asks_redis_nothing(server, demo):
    """A signed-in member's second view of a cached page: their session, their row, their
    own state and the page's versions all come from memory."""
    member = Client()
    member.force_login(UserFactory())
    url = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"
    for _ in range(3):
        assert member.get(url).status_code == 200
    before = commands(server)
    page = member.get(url)
    assert page.status_code == 200 and page["X-Page-Cache"] == "hit"
    assert commands(server) == before
