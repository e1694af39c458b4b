"""Production start-up: the deploy checks pass, and a missing variable stops every process
(manage.py, gunicorn, the Celery worker and beat) with one line, not a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.celery_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "verdicts.example",
    "SITE_URL": "https://verdicts.example",
}

COMMANDS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "gunicorn": [str(BIN / "gunicorn"), "verdicts.wsgi:application", "--bind=127.0.0.1:0"],
    "celery worker": [str(BIN / "celery"), "-A", "verdicts.celery:app", "worker"],
    "celery beat": [str(BIN / "celery"), "-A", "verdicts.celery:app", "beat"],
}


# Set by the browser tests for Playwright's sake; a deploy check rightly refuses it.
NOT_IN_PRODUCTION = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        command, cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, timeout=60
    )


def test_deploy_checks_pass_with_production_settings(db):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        DATABASE_URL=database_url(),  # the model checks ask the database what it supports
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL"])
@pytest.mark.parametrize("process", COMMANDS)
def test_a_missing_variable_stops_start_up_with_one_line(process, missing):
    env = {name: value for name, value in PRODUCTION.items() if name != missing}

    result = run(COMMANDS[process], **env)

    assert result.returncode != 0
    assert result.stdout.strip() == ""
    line = f"Configuration error: {missing} must be set when DJANGO_DEBUG=0."
    assert result.stderr.strip() == line


MALFORMED = {  # a variable of each kind, as an operator might mistype it
    "PAGE_CACHE_SECONDS": ("ten", "PAGE_CACHE_SECONDS must be a whole number, not 'ten'."),
    "NEWSLETTER_CLAIM_LEASE": (
        "10m",
        "NEWSLETTER_CLAIM_LEASE must be a number of seconds, not '10m'.",
    ),
    "NEWSLETTER_RETRY_BACKOFF": (
        "nan",
        "NEWSLETTER_RETRY_BACKOFF must be a number of seconds, not 'nan'.",
    ),
    "DJANGO_DEBUG": ("maybe", "DJANGO_DEBUG must be 1 or 0, not 'maybe'."),
}


@pytest.mark.parametrize("variable", MALFORMED)
@pytest.mark.parametrize("process", COMMANDS)
def test_a_malformed_variable_stops_start_up_with_one_line(process, variable):
    value, message = MALFORMED[variable]

    result = run(COMMANDS[process], **{**PRODUCTION, variable: value})

    assert result.returncode != 0
    assert result.stdout.strip() == ""
    assert result.stderr.strip() == f"Configuration error: {message}"


WARM_STATE = """
import sys
import verdicts.wsgi
from django.template import engines
loader = engines["django"].engine.template_loaders[0]
print("comparisons.api" in sys.modules, "comparisons.views" in sys.modules)
print(sorted(key for key in loader.get_template_cache if key.startswith("comparisons/")))
"""


def test_a_worker_loads_its_views_and_templates_before_its_first_request():
    """A fresh worker's first comparison page took 0.9 s, the next 30 ms: the URLconf and the
    templates were loaded for it. Importing the WSGI application now does both."""
    result = run([sys.executable, "-c", WARM_STATE], **PRODUCTION, DATABASE_URL=database_url())

    assert result.returncode == 0, result.stderr
    imported, cached = result.stdout.splitlines()
    assert imported == "True True"
    assert "'comparisons/comparison_detail.html'" in cached
    assert "'comparisons/methodology.html'" in cached
