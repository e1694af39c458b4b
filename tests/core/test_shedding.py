"""Load shedding: a request that waited for a worker past REQUEST_QUEUE_LIMIT is answered 503
at once (core/middleware.py). tests/reliability/test_slow_clients.py runs it behind nginx."""

import logging
import time

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def stamped(waited: float) -> dict[str, str]:
    """The header nginx adds (deploy/nginx.conf), for a request passed on ``waited`` s ago."""
    return {"X-Request-Start": f"t={time.time() - waited:.3f}"}


def test_a_request_that_waited_too_long_is_answered_503_before_any_work(
    client, django_assert_num_queries
):
    client.force_login(UserFactory())
    with django_assert_num_queries(0):  # not even the member's session
        response = client.get("/compare/", headers=stamped(1.0))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Too busy for a moment" in html and "Try again in a few seconds." in html
    assert "X-Content-Type-Options" in response  # SecurityMiddleware still runs first


def test_an_htmx_request_gets_the_notice_in_place(client):
    response = client.get("/tools/", headers={**stamped(1.0), "HX-Request": "true"})
    assert response.status_code == 503
    assert response["HX-Reswap"] == "none"
    assert 'id="messages" hx-swap-oob="innerHTML"' in response.content.decode()


@pytest.mark.parametrize("stamp", [None, "just now", "t=soon", "t=nan", "t=-inf"])
def test_requests_on_time_or_without_a_readable_stamp_are_served(client, settings, stamp):
    """No stamp: from inside (a health check), not through nginx. "Just now" is well inside
    the limit, however long a loaded machine takes to get the request to the middleware."""
    settings.REQUEST_QUEUE_LIMIT = 30
    headers = {} if stamp is None else {"X-Request-Start": stamp}
    if stamp == "just now":
        headers = stamped(0)
    assert client.get("/ping", headers=headers).status_code == 200


def test_shed_requests_are_reported_in_one_line_with_a_count(client, caplog, monkeypatch):
    monkeypatch.setattr("core.middleware._shed_report.last", 0.0)
    monkeypatch.setattr("core.middleware._shed_report.count", 0)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert client.get("/ping", headers=stamped(1.0)).status_code == 503
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1, lines  # not Django's error line for each 503
    assert lines[0].startswith("Too busy: answered 503 to 1 request(s) since the last report")


def test_a_limit_of_zero_serves_everything(client, settings):
    settings.REQUEST_QUEUE_LIMIT = 0
    assert client.get("/ping", headers=stamped(60)).status_code == 200
