"""A fingerprint of every row in the database, table by table, to show that a request
changed nothing."""

from django.db import connection


def every_row() -> dict[str, str]:
    """Each table's row count and a hash of its rows, by table name."""
    tables = connection.introspection.table_names(include_views=False)
    parts = [
        f"SELECT '{table}', count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
        f"ORDER BY t::text)), '') FROM {connection.ops.quote_name(table)} t"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
