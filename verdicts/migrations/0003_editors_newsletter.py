from django.db import migrations

from verdicts.editors import EDITORS_GROUP, NEWSLETTER_EDITOR_MODELS, editors_group_sync


def grant(apps, schema_editor):
    editors_group_sync(apps, schema_editor, models=NEWSLETTER_EDITOR_MODELS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=EDITORS_GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="newsletter"))


class Migration(migrations.Migration):
    dependencies = [
        ("verdicts", "0002_editors_group"),
        ("newsletter", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
