"""Make sure PostgreSQL answers and the configured database exists.

``make run`` and ``make test`` call this first so that a stopped server is
reported in one line with the command that starts it, not with a traceback.
"""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

START_HINT = (
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # checks may need the database this creates
    help = "Check that PostgreSQL is reachable and create the configured database if missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-create", action="store_true", help="Only check that the server answers."
        )

    def handle(self, *args, no_create: bool = False, **options):
        db = settings.DATABASES["default"]
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "dbname": "postgres",
            "connect_timeout": 3,
            "autocommit": True,
        }
        try:
            with psycopg.connect(**params) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
                ).fetchone()
                if not exists and not no_create:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                    self.stdout.write(f"Created database {db['NAME']}.")
        except psycopg.OperationalError:
            raise CommandError(f"PostgreSQL is not reachable at {where}; {START_HINT}") from None
