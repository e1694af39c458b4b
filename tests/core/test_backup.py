"""make backup and make restore: a round trip through pg_dump and pg_restore."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import ComparisonFactory, ReviewFactory

ROOT = Path(__file__).resolve().parents[2]
SERVER = "postgres://postgres@127.0.0.1:5432"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ["tools_tool", "reviews_review", "verdicts_comparison", "auth_group"]
        }


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path):
    ReviewFactory()
    ComparisonFactory()
    source = f"{SERVER}/{connection.settings_dict['NAME']}"
    target_name = f"verdicts_restore_{os.getpid()}"
    target = f"{SERVER}/{target_name}"
    dump = tmp_path / "round-trip.dump"
    try:
        backup = run("make", "-s", "backup", f"FILE={dump}", DATABASE_URL=source)
        assert backup.returncode == 0, backup.stderr
        assert dump.stat().st_size > 0
        restore = run("make", "-s", "restore", f"FILE={dump}", DATABASE_URL=target)
        assert restore.returncode == 0, restore.stderr
        assert counts(target) == counts(source)
        # Restoring again over the restored copy replaces it rather than doubling it.
        again = run("make", "-s", "restore", f"FILE={dump}", DATABASE_URL=target)
        assert again.returncode == 0, again.stderr
        assert counts(target) == counts(source)
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}"')


def test_restore_of_a_missing_file_is_one_line():
    result = run("make", "-s", "restore", "FILE=backups/not-there.dump")
    assert result.returncode != 0
    assert "No such backup: backups/not-there.dump" in result.stderr
