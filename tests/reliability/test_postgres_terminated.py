"""PostgreSQL ends the connection a web process holds (pg_terminate_backend, as a failover,
a restart or an idle-connection reaper would): the next request still succeeds.

Settings keep connections open between requests (CONN_MAX_AGE) and check them before
reuse (conn_health_checks). The test client neither keeps nor checks connections the
way a server does, so this runs gunicorn, whose one worker holds one connection.
"""

import pytest
from django.db import connection

from tests.factories import ToolFactory
from tests.support.celery_worker import database_url
from tests.support.server import Gunicorn

pytestmark = pytest.mark.django_db(transaction=True)  # the server sees committed rows only

APPLICATION = "verdicts-fault-test-web"
KILLS = 5


def web_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
        )
        return [pid for (pid,) in cursor.fetchall()]


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_the_request_after_a_terminated_connection_succeeds(settings, tmp_path):
    tool = ToolFactory(name="Sturdy Tool")
    env = {
        "DATABASE_URL": f"{database_url()}?application_name={APPLICATION}",
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": "fault-test-web",
        "PAGE_CACHE": "0",  # every page from the database
    }
    page = "/tools/?q=sturdy"
    statuses = []
    with Gunicorn(env=env, logfile=tmp_path / "gunicorn.log") as server:
        status, body = server.get(page)
        assert status == 200 and tool.name.encode() in body
        for _ in range(KILLS):
            [held] = web_backends()  # the worker kept its connection after the request
            terminate(held)
            for path in (page, "/healthz"):
                status, body = server.get(path)
                statuses.append(status)
            assert tool.name.encode() in server.get(page)[1]
            assert web_backends() != [held]  # it reconnected
        log = server.log()

    print(f"\nconnections terminated: {KILLS}, requests after them: {statuses}")
    assert statuses == [200] * 2 * KILLS
    assert "Traceback" not in log and "Error handling request" not in log
