import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_postgresql_is_one_line_with_the_way_to_start_it():
    result = manage("ensure_database", DATABASE_URL="postgres://postgres@127.0.0.1:9/verdicts")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "PostgreSQL is not reachable at 127.0.0.1:9" in lines[0]
    assert "pg_ctlcluster" in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_redis_is_one_line():
    result = manage("check_redis", REDIS_URL="redis://127.0.0.1:9/0")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Redis is not reachable" in lines[0]


@pytest.mark.django_db
def test_ensure_database_creates_a_missing_database(django_db_blocker):
    import psycopg

    name = f"verdicts_ensure_{os.getpid()}"
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        result = manage("ensure_database", DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert f"Created database {name}." in result.stdout
        assert manage("ensure_database", DATABASE_URL=url).stdout == ""
    finally:
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_production_without_required_variables_stops_with_one_line():
    result = manage(
        "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="", DJANGO_ALLOWED_HOSTS="", SITE_URL=""
    )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0."
    )


def test_a_log_record_is_printed_once():
    """make run printed every record of Django's loggers twice: theirs and the root's."""
    code = "import logging; logging.getLogger('django.utils.autoreload').info('said once')"
    result = manage("shell", "-c", code, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("said once") == 1
