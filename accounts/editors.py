"""The "Editors" group: exactly the permissions an editor needs.

Editors manage content (tools, categories, the panel, reviews, comparisons,
the newsletter), never users, groups or permissions. Data migrations call
``editors_group_sync`` so that every database has the group.
"""

from django.contrib.auth.management import create_permissions

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
    """Create the group if needed and grant it every permission on ``models``."""
    for app_label in {label for label, _ in models}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # create_permissions skips apps without it
        create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    for app_label, model in models:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model=model)
        )
