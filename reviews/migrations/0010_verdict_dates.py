from django.db import migrations

# Tools reviewed before the date was kept: their verdict last moved with their newest review.
BACKFILL = """
UPDATE tools_tool SET verdict_updated_at = newest.at
FROM (SELECT tool_id, MAX(updated_at) AS at FROM reviews_review GROUP BY tool_id) AS newest
WHERE newest.tool_id = tools_tool.id AND tools_tool.verdict_updated_at IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_history"),
        ("tools", "0013_timeline"),
    ]

    operations = [migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop)]
