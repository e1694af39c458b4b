"""The cache is Redis; when Redis does not answer, pages still render and the failure is logged."""

import logging
import time

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "verdicts.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings, monkeypatch):
    monkeypatch.setattr("verdicts.cache._log.last", 0.0)
    settings.CACHES = DOWN
    yield caches["default"]
    caches["default"].close()


def test_reads_are_misses_and_writes_are_dropped(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="verdicts.cache"):
        redis_down.set("k", "v")
    assert "Cache unavailable (set failed" in caplog.text
    assert redis_down.get("k") is None
    assert redis_down.get("k", "fallback") == "fallback"
    assert redis_down.add("k", 1) is True  # so a lock taken with add lets its holder through
    assert redis_down.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        redis_down.incr("k")


def test_pages_still_serve_within_the_socket_timeout(client, demo, redis_down, caplog):
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="verdicts.cache"):
        response = client.get("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert "Ship · 3 ship / 1 skip" in response.content.decode()
    assert time.monotonic() - started < 5
    assert "Cache unavailable" in caplog.text


def test_a_working_cache_still_works():
    cache = caches["default"]
    cache.set("resilient", 42)
    assert cache.get("resilient") == 42
    assert cache.incr("resilient") == 43
