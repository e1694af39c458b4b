"""Synthetic data at scale, written with COPY, for benchmarks and query-budget tests.

Every synthetic row is marked ("ds-" slugs, "@dataset.example" addresses) so a
second run first removes the previous one. Counters on tool rows are computed
in SQL afterwards, exactly as the nightly recount would.
"""

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from reviews.models import Persona
from reviews.services import community_recount, panel_recount

PREFIX = "ds-"
EMAIL_DOMAIN = "dataset.example"
CATEGORIES = [
    "Coding Assistants", "Agents & Automation", "Vector Databases", "Speech & Audio",
    "Image & Video", "Observability & Evals", "Open Models", "Inference Servers",
    "Data Labelling", "Document AI", "Search & Retrieval", "Developer Tools",
]  # fmt: skip
WORDS = [
    "Nova", "Flux", "Pilot", "Forge", "Atlas", "Echo", "Quill", "Vector", "Lumen", "Relay",
    "Orbit", "Cinder", "Drift", "Harbor", "Kite", "Mosaic", "Prism", "Sable", "Tandem", "Vale",
]  # fmt: skip
VENDORS = ["Acme AI", "Northwind Labs", "Globex", "Initech", "Umbrella ML", "Hooli", "Vandelay"]
PRICING = ["free", "freemium", "paid"]

Progress = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Sizes:
    tools: int
    votes: int
    subscribers: int
    members: int


def _copy(table: str, columns: list[str], rows: Iterable[tuple], tick: Callable[[int], None]):
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        count = 0
        for count, row in enumerate(rows, start=1):
            copy.write_row(row)
            if count % 10_000 == 0:
                tick(10_000)
        tick(count % 10_000)


def remove_previous() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reviews_vote WHERE member_id IN "
            "(SELECT id FROM verdicts_user WHERE email LIKE %s)",
            [f"%@{EMAIL_DOMAIN}"],
        )
        cursor.execute("DELETE FROM verdicts_user WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"])
        cursor.execute(
            "DELETE FROM verdicts_comparison WHERE tool_a_id IN "
            "(SELECT id FROM tools_tool WHERE slug LIKE %s)",
            [f"{PREFIX}%"],
        )
        cursor.execute(
            "DELETE FROM reviews_review WHERE tool_id IN "
            "(SELECT id FROM tools_tool WHERE slug LIKE %s)",
            [f"{PREFIX}%"],
        )
        cursor.execute(
            "DELETE FROM tools_bookmark WHERE tool_id IN "
            "(SELECT id FROM tools_tool WHERE slug LIKE %s)",
            [f"{PREFIX}%"],
        )
        cursor.execute("DELETE FROM tools_tool WHERE slug LIKE %s", [f"{PREFIX}%"])
        cursor.execute("DELETE FROM tools_category WHERE slug LIKE %s", [f"{PREFIX}%"])
        if _has_table("newsletter_subscriber"):
            cursor.execute(
                "DELETE FROM newsletter_delivery WHERE subscriber_id IN "
                "(SELECT id FROM newsletter_subscriber WHERE email LIKE %s)",
                [f"%@{EMAIL_DOMAIN}"],
            )
            cursor.execute(
                "DELETE FROM newsletter_subscriber WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"]
            )


def _has_table(name: str) -> bool:
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _personas() -> list[int]:
    seats = list(Persona.objects.active().values_list("pk", flat=True))
    if seats:
        return seats
    for order, name in enumerate(["Builder", "Skeptic", "Futurist", "Founder"], start=1):
        Persona.objects.create(
            name=name, slug=name.lower(), lens=f"The {name}'s lens.", order=order
        )
    return list(Persona.objects.active().values_list("pk", flat=True))


@transaction.atomic
def dataset_make(*, sizes: Sizes, seed: int = 1, progress: Progress) -> dict[str, int]:
    """Write a synthetic catalogue, panel, community and mailing list of the given sizes."""
    rng = random.Random(seed)
    now = timezone.now()
    remove_previous()

    tick = progress("categories", len(CATEGORIES))
    _copy(
        "tools_category",
        ["name", "slug", "description", '"order"'],
        [(f"{n} (synthetic)", f"{PREFIX}{i}", f"Synthetic shelf: {n}.", 100 + i)
         for i, n in enumerate(CATEGORIES)],
        tick,
    )  # fmt: skip
    categories = _ids(
        "SELECT id FROM tools_category WHERE slug LIKE %s ORDER BY id", [f"{PREFIX}%"]
    )

    tick = progress("tools", sizes.tools)

    def tools():
        for i in range(sizes.tools):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
            published = now - dt.timedelta(minutes=rng.randrange(1, 60 * 24 * 365))
            yield (
                name, f"{PREFIX}tool-{i}", f"What {name} is best for, in a line",
                f"{name} is a synthetic tool for load tests. It does one thing and says so.",
                rng.choice(categories), rng.choice(VENDORS), rng.choice(PRICING), "", "", "",
                "published", published, now, now, 0, 0, 0, 0, 0,
            )  # fmt: skip

    _copy(
        "tools_tool",
        ["name", "slug", "tagline", "description", "category_id", "vendor", "pricing_entry",
         "pricing_detail", "license", "website", "status", "published_at", "created_at",
         "updated_at", "panel_ships", "panel_skips", "panel_score_total", "community_ships",
         "community_skips"],
        tools(),
        tick,
    )  # fmt: skip
    tool_ids = _ids("SELECT id FROM tools_tool WHERE slug LIKE %s ORDER BY id", [f"{PREFIX}%"])
    category_of = dict(
        _rows("SELECT id, category_id FROM tools_tool WHERE slug LIKE %s", [f"{PREFIX}%"])
    )

    seats = _personas()
    reviewed = [pk for pk in tool_ids if rng.random() < 0.9]
    tick = progress("reviews", len(reviewed) * len(seats))

    def reviews():
        for tool in reviewed:
            leaning = rng.gauss(70, 12)
            for seat in seats:
                score = max(0, min(100, round(rng.gauss(leaning, 10))))
                call = "ship" if score >= 65 else "skip"
                yield tool, seat, score, call, f"Synthetic review, {score}/100.", now, now

    _copy(
        "reviews_review",
        ["tool_id", "persona_id", "score", "call", "body", "created_at", "updated_at"],
        reviews(),
        tick,
    )

    by_category: dict[int, list[int]] = {}
    for tool, category in category_of.items():
        by_category.setdefault(category, []).append(tool)
    pairs = set()
    for shelf in by_category.values():
        if len(shelf) < 2:
            continue
        for _ in range(max(1, len(shelf) // 10)):
            a, b = rng.sample(shelf, 2)
            pairs.add((min(a, b), max(a, b)))
    tick = progress("comparisons", len(pairs))
    _copy(
        "verdicts_comparison",
        ["tool_a_id", "tool_b_id", "editor_note", "status", "published_at", "created_at",
         "updated_at"],
        [(a, b, "", "published", now - dt.timedelta(minutes=rng.randrange(1, 500_000)), now, now)
         for a, b in sorted(pairs)],
        tick,
    )  # fmt: skip

    password = make_password(None)  # unusable: synthetic members cannot sign in
    tick = progress("members", sizes.members)
    _copy(
        "verdicts_user",
        ["password", "is_superuser", "is_staff", "is_active", "date_joined", "email", "name"],
        ((password, False, False, True, now, f"member{i}@{EMAIL_DOMAIN}", "")
         for i in range(sizes.members)),
        tick,
    )  # fmt: skip
    members = _ids(
        "SELECT id FROM verdicts_user WHERE email LIKE %s ORDER BY id", [f"%@{EMAIL_DOMAIN}"]
    )

    # Popularity follows a long tail: a few tools draw most of the votes.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tool_ids))]
    leaning = {pk: rng.random() for pk in tool_ids}
    per_member = max(1, sizes.votes // max(1, len(members)))
    tick = progress("votes", sizes.votes)

    def votes():
        written = 0
        for member in members:
            wanted = min(per_member, sizes.votes - written, len(tool_ids))
            chosen: set[int] = set()
            while len(chosen) < wanted:
                chosen.update(rng.choices(tool_ids, weights, k=wanted - len(chosen)))
            for tool in chosen:
                value = "ship" if rng.random() < leaning[tool] else "skip"
                yield member, tool, value, now, now
            written += wanted
            if written >= sizes.votes:
                return

    _copy(
        "reviews_vote", ["member_id", "tool_id", "value", "created_at", "updated_at"], votes(), tick
    )

    subscribers = 0
    if sizes.subscribers and _has_table("newsletter_subscriber"):
        subscribers = _subscribers(sizes.subscribers, rng, now, progress)

    tick = progress("counters", 2)
    panel_recount(tool_ids=tool_ids)  # these move the page-cache versions, as every write's
    tick(1)  # service does
    community_recount(tool_ids=tool_ids)
    tick(1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "categories": len(categories),
        "tools": len(tool_ids),
        "reviews": len(reviewed) * len(seats),
        "comparisons": len(pairs),
        "members": len(members),
        "votes": _count(
            "reviews_vote",
            "member_id IN (SELECT id FROM verdicts_user WHERE email LIKE %s)",
            [f"%@{EMAIL_DOMAIN}"],
        ),
        "subscribers": subscribers,
    }  # fmt: skip


def _subscribers(count: int, rng: random.Random, now, progress: Progress) -> int:
    tick = progress("subscribers", count)

    def rows():
        for i in range(count):
            roll = rng.random()
            status = "active" if roll < 0.9 else "pending" if roll < 0.95 else "unsubscribed"
            confirmed = now if status != "pending" else None
            left = now if status == "unsubscribed" else None
            yield f"reader{i}@{EMAIL_DOMAIN}", status, uuid.uuid4(), now, now, confirmed, left

    _copy(
        "newsletter_subscriber",
        ["email", "status", "token", "created_at", "confirmation_sent_at", "confirmed_at",
         "unsubscribed_at"],
        rows(),
        tick,
    )  # fmt: skip
    return count


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _count(table: str, where: str, params: list) -> int:
    return _rows(f"SELECT count(*) FROM {table} WHERE {where}", params)[0][0]
