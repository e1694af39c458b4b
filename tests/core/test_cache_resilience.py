"""The cache is Redis; when Redis does not answer, pages still render and the failure is logged."""

import logging
import time

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The site's own cache configuration, pointed at a Redis that is not there."""
    monkeypatch.setattr("core.cache._throttle.last", 0.0)  # the next failure is reported
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": CLOSED_PORT}}
    yield caches["default"]
    caches["default"].close()


def raises_value_error(call) -> bool:
    with pytest.raises(ValueError):
        call()
    return True


ANSWERS = {  # each operation, and whether it answered as a miss
    "set": lambda cache: cache.set("k", "v") is None,
    "get": lambda cache: cache.get("k") is None and cache.get("k", "fallback") == "fallback",
    "add": lambda cache: (
        cache.add("k", 1) is True
    ),  # so a lock taken with add lets its holder through
    "get_many": lambda cache: cache.get_many(["a", "b"]) == {},
    "has_key": lambda cache: not cache.has_key("k"),
    "touch": lambda cache: not cache.touch("k"),
    "delete": lambda cache: not cache.delete("k"),
    "incr": lambda cache: raises_value_error(lambda: cache.incr("k")),  # as for a missing key
    "decr": lambda cache: raises_value_error(lambda: cache.decr("k")),
}


@pytest.mark.parametrize("first", ANSWERS)
def test_reads_are_misses_and_writes_are_dropped(redis_down, caplog, first):
    """The first operation meets the failure; the rest are not sent to Redis at all (for
    RETRY_AFTER_SECONDS). Either way each answers as a miss, and one line reports it all."""
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for name in [first, *(name for name in ANSWERS if name != first)]:
            assert ANSWERS[name](redis_down), name
    reports = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(reports) == 1, reports  # at most one line every LOG_EVERY_SECONDS
    assert reports[0].startswith(
        "Cache unavailable (Redis ConnectionError: Error 111 connecting to 127.0.0.1:9"
    )


def test_pages_still_serve_within_the_socket_timeout(client, demo, redis_down, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        response = client.get("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "bypass"  # rendered, with nowhere to keep it
    assert "Ship · 3 ship / 1 skip" in response.content.decode()
    assert time.monotonic() - started < 5
    assert "Cache unavailable" in caplog.text


def test_a_working_cache_still_works():
    cache = caches["default"]
    cache.set("resilient", 42)
    assert cache.get("resilient") == 42
    assert cache.incr("resilient") == 43
