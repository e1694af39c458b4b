"""A database made before the apps were split keeps every row when it migrates.

``data/presplit.sql.gz`` is a pg_dump of a database that the code before the split
(commit 4ac7105) migrated and filled: the demo data, then members (one an editor, one a
superuser), votes, bookmarks, subscribers in every state, a sent edition with its
deliveries and a draft, admin history on members and comparisons, sessions, and a
member's own permission. ``data/presplit-counts.json`` holds its row count per table.
Members and comparisons were then the project package's models (app label "verdicts").
"""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.support.celery_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).with_name("data")
BEFORE = json.loads((DATA / "presplit-counts.json").read_text())

# What the migration after the split adds to django_migrations, and nothing else.
NEW_MIGRATIONS = {
    ("accounts", "0001_initial"),
    ("accounts", "0002_editors_group"),
    ("accounts", "0003_content_type_from_verdicts"),
    ("comparisons", "0001_initial"),
    ("comparisons", "0002_content_type_from_verdicts"),
    ("reviews", "0003_persona_identity_review_summary"),
    ("tools", "0006_whole_percent_columns"),
}

CHECKS = """
import json
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from comparisons.models import Comparison
User = get_user_model()
editor = User.objects.get(email="eli.editor@example.com")
print(json.dumps({
    "labels": sorted(ContentType.objects.values_list("app_label", flat=True).distinct()),
    "editors_may": sorted(Group.objects.get(name="Editors").permissions.filter(
        content_type__app_label="comparisons").values_list("codename", flat=True)),
    "editor_may": editor.has_perm("comparisons.change_comparison"),
    "own_permission": editor.has_perm("accounts.view_user"),
    "signs_in": authenticate(email="sam.admin@example.com",
                             password="presplit-admin-pw-3") is not None,
    "history": sorted({type(e.get_edited_object()).__name__ for e in
                       LogEntry.objects.exclude(action_flag=3)}),
    "comparisons": Comparison.objects.count(),
}))
"""


def run(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


def counts(conn) -> dict[str, int]:
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return {
        name: conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
        ).fetchone()[0]
        for (name,) in tables
    }


@pytest.fixture
def presplit_database(db):
    """The dump restored into a database of its own, with psql as pg_dump's output needs."""
    name = f"verdicts_presplit_{os.getpid()}"
    server = urlsplit(database_url())
    admin = psycopg.connect(
        host=server.hostname, port=server.port, user=server.username, dbname="postgres",
        autocommit=True,
    )  # fmt: skip
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = server._replace(path=f"/{name}").geturl()
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
        input=gzip.decompress((DATA / "presplit.sql.gz").read_bytes()),
        capture_output=True,
        check=True,
        timeout=120,
    )
    yield url
    admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    admin.close()


def test_a_database_from_before_the_split_migrates_and_keeps_every_row(presplit_database):
    with psycopg.connect(presplit_database) as conn:
        assert counts(conn) == BEFORE["tables"]  # the dump is what the counts say

    result = run("migrate", "--no-input", url=presplit_database)
    assert result.returncode == 0, result.stderr
    assert "Applying accounts.0001_initial" not in result.stdout  # already there, recorded

    with psycopg.connect(presplit_database) as conn:
        after = counts(conn)
        recorded = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
    migrations = BEFORE["tables"]["django_migrations"]
    assert after == {**BEFORE["tables"], "django_migrations": migrations + len(NEW_MIGRATIONS)}
    assert recorded >= NEW_MIGRATIONS

    assert run("migrate", "--check", url=presplit_database).returncode == 0  # nothing left

    checks = run("shell", "--no-imports", "-c", CHECKS, url=presplit_database)
    assert checks.returncode == 0, checks.stderr
    found = json.loads(checks.stdout.splitlines()[-1])
    assert "verdicts" not in found["labels"]
    assert {"accounts", "comparisons"} <= set(found["labels"])
    assert found["editors_may"] == [
        "add_comparison",
        "change_comparison",
        "delete_comparison",
        "view_comparison",
    ]
    assert found["editor_may"] and found["own_permission"] and found["signs_in"]
    assert found["history"] == ["Comparison", "Edition", "User"]
    assert found["comparisons"] == BEFORE["tables"]["verdicts_comparison"]


def test_the_dump_was_made_by_the_code_before_the_split():
    """So the test above starts from the old schema, not from this one."""
    assert {"app": "verdicts", "name": "0004_comparison_newest_index"} in BEFORE[
        "django_migrations"
    ]
    assert not any(row["app"] in {"accounts", "comparisons"} for row in BEFORE["django_migrations"])
    assert settings.AUTH_USER_MODEL == "accounts.User"
