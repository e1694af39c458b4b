from django.db import migrations, models


def mark_full_panels(apps, schema_editor):
    """A tool's panel is full when its counted reviews (one per active seat) match the seats."""
    Persona = apps.get_model("reviews", "Persona")
    Tool = apps.get_model("tools", "Tool")
    seats = Persona.objects.filter(is_active=True).count()
    if seats:
        Tool.objects.alias(
            counted=models.F("panel_ships") + models.F("panel_skips")
        ).filter(counted__gte=seats).update(panel_full=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tools", "0010_help_texts"),
        ("reviews", "0002_vote"),
    ]

    operations = [
        migrations.AddField(
            model_name="tool",
            name="panel_full",
            field=models.BooleanField(default=False, db_default=False, editable=False),
        ),
        migrations.RunPython(mark_full_panels, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="tool",
            index=models.Index(
                models.OrderBy(models.F("panel_pct"), descending=True, nulls_last=True),
                models.OrderBy(models.F("panel_mean_score"), descending=True, nulls_last=True),
                models.OrderBy(models.F("community_pct"), descending=True, nulls_last=True),
                models.F("name"),
                condition=models.Q(("panel_full", True)),
                name="tool_full_panel_rank",
            ),
        ),
    ]
