"""Helpers for data migrations."""


def content_type_move(*, old_app: str, new_app: str, model: str):
    """A RunPython pair that moves ``model``'s content type from ``old_app`` to ``new_app``.

    Permissions, group grants and admin history point at the content type row, so moving
    the row keeps them all. A row already made for ``new_app`` (by a ``migrate`` that ran
    before this one) is empty: it goes.
    """

    def move(apps, schema_editor, source: str = old_app, target: str = new_app) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            return
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])

    def move_back(apps, schema_editor) -> None:
        move(apps, schema_editor, source=new_app, target=old_app)

    return move, move_back
