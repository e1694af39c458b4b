from django.db import migrations

from core.migrating import content_type_move


class Migration(migrations.Migration):
    """Members' permissions and admin history follow them out of the project package."""

    dependencies = [
        ("accounts", "0002_editors_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(*content_type_move(old_app="verdicts", new_app="accounts", model="user"))
    ]
