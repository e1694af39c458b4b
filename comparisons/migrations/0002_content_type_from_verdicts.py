from django.db import migrations

from core.migrating import content_type_move


class Migration(migrations.Migration):
    """The Editors' grants on comparisons and their admin history follow them here."""

    dependencies = [
        ("comparisons", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(
            *content_type_move(old_app="verdicts", new_app="comparisons", model="comparison")
        )
    ]
