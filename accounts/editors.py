"""The "Editors" group: exactly the permissions an editor needs.

Editors manage content (tools, categories, the panel, reviews, comparisons,
the newsletter), never users, groups or permissions. Data migrations call
``editors_group_sync`` so that every database has the group.
"""

EDITORS_GROUP = "Editors"

# (app label, model) pairs an editor may add, change, delete and view. App labels, not
# imports: the group spans apps that sit above this one.
EDITOR_MODELS = [
    ("tools", "category"),
    ("tools", "tool"),
    ("reviews", "persona"),
    ("reviews", "review"),
    ("comparisons", "comparison"),
    ("newsletter", "subscriber"),
    ("newsletter", "edition"),
    ("newsletter", "delivery"),
]


def editors_group_sync(apps, schema_editor, models=EDITOR_MODELS) -> None:
    """Create the group if needed and grant it every permission on ``models``.

    In a migration the permissions may not exist yet (Django makes them after the last
    migration), so they are made here as Django would make them: same codenames and names.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=EDITORS_GROUP)
    for app_label, model_name in models:
        opts = apps.get_model(app_label, model_name)._meta
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
        for action in opts.default_permissions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
            )
            group.permissions.add(permission)
