"""Loading the demo catalogue from ``demo_data.json``, idempotently.

Every row is looked up by its natural key and written, through its app's service, only
when a value differs, so a second run changes nothing, not even an ``updated_at``.
"""

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pgtrigger
from django.db import transaction
from django.db.models import Model

from comparisons.models import Comparison
from comparisons.services import comparison_save
from demo.history import demo_history_write
from demo.votes import demo_votes_load
from reviews.models import Persona, Review
from reviews.services import persona_save, review_save
from tools.models import Category, Tool
from tools.services import category_save, tool_save

DEMO_FILE = Path(__file__).with_name("demo_data.json")

# The service that writes each kind of row, with what it needs kept (counts, the cache).
SAVE: dict[type[Model], Callable[[Model], Model]] = {
    Category: lambda category: category_save(category=category),
    Persona: lambda persona: persona_save(persona=persona),
    Tool: lambda tool: tool_save(tool=tool),
    Review: lambda review: review_save(review=review),
    Comparison: lambda comparison: comparison_save(comparison=comparison),
}


def _as_datetime(day: str | None) -> dt.datetime | None:
    if not day:
        return None
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9, 0), tzinfo=dt.UTC)


def _upsert(model: type[Model], counts: Counter, lookup: dict, values: dict) -> Model:
    obj = model.objects.filter(**lookup).first() if lookup else None
    if obj is None:
        counts["created"] += 1
        return SAVE[model](model(**{**lookup, **values}))
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        SAVE[model](obj)
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return obj


@transaction.atomic
def demo_load(*, path: Path = DEMO_FILE) -> Counter:
    """Load (or refresh) the demo data; return how many rows were created, updated, unchanged.

    The history's triggers are held off meanwhile: the demo's past is written, dated, by
    ``demo.history`` instead of a whole catalogue appearing in it at once, today."""
    with pgtrigger.ignore():
        counts = _rows_load(path)
        demo_history_write()
    return counts


def _rows_load(path: Path) -> Counter:
    data = json.loads(path.read_text(encoding="utf-8"))
    counts: Counter = Counter()

    categories = {}
    for order, row in enumerate(data["categories"]):
        categories[row["slug"]] = _upsert(
            Category,
            counts,
            {"slug": row["slug"]},
            {"name": row["name"], "description": row.get("description", ""), "order": order},
        )

    personas = {}
    for row in data["personas"]:
        personas[row["slug"]] = _upsert(
            Persona,
            counts,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "mark": row.get("mark", ""),
                "colour": row.get("colour", Persona.Colour.OCEAN),
                "lens": row["lens"],
                "order": row["order"],
                "is_active": True,
            },
        )

    tools = {}
    for row in data["tools"]:
        tool = _upsert(
            Tool,
            counts,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "tagline": row["tagline"],
                "description": row["description"],
                "category": categories[row["category"]],
                "vendor": row.get("vendor", ""),
                "pricing_entry": row["pricing_entry"],
                "pricing_detail": row.get("pricing_detail", ""),
                "license": row.get("license", ""),
                "website": row.get("website", ""),
                "status": row["status"],
                "published_at": _as_datetime(row.get("published_at")),
            },
        )
        tools[row["slug"]] = tool
        for persona_slug, review in row.get("reviews", {}).items():
            _upsert(
                Review,
                counts,
                {"tool": tool, "persona": personas[persona_slug]},
                {
                    "score": review["score"],
                    "call": review["call"],
                    "summary": review.get("summary", ""),
                    "body": review["body"],
                },
            )

    for row in data["comparisons"]:
        first, second = tools[row["tool_a"]], tools[row["tool_b"]]
        existing = Comparison.objects.for_pair(first, second).first()
        _upsert(
            Comparison,
            counts,
            {"pk": existing.pk} if existing else {},
            {
                "tool_a": first,
                "tool_b": second,
                "editor_note": row.get("editor_note", ""),
                "status": row["status"],
                "published_at": _as_datetime(row.get("published_at")),
            },
        )

    demo_votes_load(counts)
    return counts
