"""The "Editors" group, with every permission on the content and the newsletter.

Databases made before this app existed got the group from ``verdicts.0002`` and ``0003``.
"""

from django.db import migrations

from accounts.editors import EDITOR_MODELS, EDITORS_GROUP, editors_group_sync


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    replaces = [("verdicts", "0002_editors_group"), ("verdicts", "0003_editors_newsletter")]

    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tools", "0001_initial"),
        ("reviews", "0001_initial"),
        ("comparisons", "0001_initial"),
        ("newsletter", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: editors_group_sync(apps, schema_editor, EDITOR_MODELS),
            remove_group,
        )
    ]
