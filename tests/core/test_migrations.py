"""Every migration can be unapplied and applied again, and none is missing."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_migrations_reverse_to_zero_and_forward_again():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    apps = {app for app, _ in leaves}
    executor.migrate([(app, None) for app in apps])
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert not [t for t in tables if t.startswith(("tools_", "reviews_", "verdicts_"))]
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    with connection.cursor() as cursor:
        assert "tools_tool" in connection.introspection.table_names(cursor)
