from django.db import migrations

from verdicts.editors import EDITORS_GROUP, editors_group_sync


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("verdicts", "0001_initial"),
        ("tools", "0001_initial"),
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunPython(editors_group_sync, remove_group)]
