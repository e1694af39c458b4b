from django.db import migrations, models

from core.badges import BADGES, Standing, holds
from core.scoring import community_verdict, panel_verdict


def award_badges(apps, schema_editor):
    """Give each tool the badges its counts earn now (no tool held one before). Later changes
    go through tools.services.tool_badges_update; this is the same rule, read once."""
    Tool = apps.get_model("tools", "Tool")
    rows = Tool.objects.values_list(
        "pk", "panel_ships", "panel_skips", "panel_score_total", "panel_full",
        "community_ships", "community_skips",
    )  # fmt: skip
    earned = {badge.key: [] for badge in BADGES}
    for pk, ships, skips, total, full, votes_ship, votes_skip in rows.iterator():
        standing = Standing(
            panel=panel_verdict(ships=ships, skips=skips, score_total=total),
            community=community_verdict(ships=votes_ship, skips=votes_skip),
            panel_full=full,
        )
        for badge in BADGES:
            if holds(badge, standing, held_before=False):
                earned[badge.key].append(pk)
    for key, pks in earned.items():
        Tool.objects.filter(pk__in=pks).update(**{f"badge_{key}": True})


class Migration(migrations.Migration):
    dependencies = [
        ("tools", "0014_relationship"),
    ]

    operations = [
        migrations.AddField(
            model_name="tool",
            name="badge_community_favourite",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name="tool",
            name="badge_panel_favourite",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(award_badges, migrations.RunPython.noop, elidable=True),
    ]
