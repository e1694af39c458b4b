"""/healthz against the real services, and against services that do not answer."""

import pytest
from django.core.cache import caches

from verdicts.celery import app

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


def test_all_parts_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_cache_down_is_named(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        response = client.get("/healthz")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "down",
        "broker": "ok",
    }


def test_broker_down_is_named(client):
    previous = app.conf.broker_url
    app.conf.broker_url = CLOSED_PORT
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["cache"] == "ok"
