"""The one way the apps declare what their history keeps (django-pghistory).

Each event table is append-only and snapshots only the fields named; its rows are written
by PostgreSQL triggers, so no write path (the ORM, a bulk update, raw SQL) can skip them.
"""

import pghistory


def history_of(model, *trackers, fields: list[str], name: str):
    """The event model keeping ``fields`` of ``model`` each time one of ``trackers`` fires."""
    return pghistory.create_event_model(
        model, *trackers, fields=fields, model_name=name, append_only=True, abstract=False
    )
