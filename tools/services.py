"""Writes to the catalogue. Tools and categories show on every kind of page, so editors'
changes move CONTENT; bookmarks show only to their owner, on pages never shared."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import pagecache
from core.badges import BADGES, holds
from core.pagecache import CONTENT, invalidates
from tools.models import (
    Bookmark,
    Category,
    CategorySlug,
    Tool,
    ToolSlug,
    VerdictDay,
    badge_field,
)
from tools.renames import renamable_save


@invalidates(CONTENT)
def tool_save(*, tool: Tool) -> Tool:
    """Save an editor's tool; a changed slug is kept, so its old addresses redirect."""
    return renamable_save(tool, old_slugs=ToolSlug)


@invalidates(CONTENT)
def tools_delete(*, tools: QuerySet[Tool]) -> int:
    return tools.delete()[0]


@invalidates(CONTENT)
def tools_publish(*, tools: QuerySet[Tool]) -> int:
    """Publish the drafts among ``tools`` now; returns how many were drafts."""
    drafts = tools.filter(status=Tool.Status.DRAFT)
    return drafts.update(status=Tool.Status.PUBLISHED, published_at=timezone.now())


@invalidates(CONTENT)
def tools_unpublish(*, tools: QuerySet[Tool]) -> int:
    return tools.update(status=Tool.Status.DRAFT)


@invalidates(CONTENT)
def category_save(*, category: Category) -> Category:
    """Save an editor's category; a changed slug is kept, so its old addresses redirect."""
    return renamable_save(category, old_slugs=CategorySlug)


@invalidates(CONTENT)
def categories_delete(*, categories: QuerySet[Category]) -> int:
    return categories.delete()[0]


BADGE_FIELDS = [badge_field(badge) for badge in BADGES]
# What a tool's badges are read from: its counts, and the badges it held.
BADGE_READS = [
    "panel_ships",
    "panel_skips",
    "panel_score_total",
    "panel_full",
    "community_ships",
    "community_skips",
    *BADGE_FIELDS,
]


def badges_moved(tool: Tool) -> dict[str, bool]:
    """The badge columns ``tool``'s counts move, with their new values: the rule of each badge
    (core.badges.holds) read from the counts, and from whether the tool held it."""
    standing = tool.standing
    moved = {}
    for badge, field in zip(BADGES, BADGE_FIELDS, strict=True):
        held = holds(badge, standing, held_before=getattr(tool, field))
        if held != getattr(tool, field):
            moved[field] = held
    return moved


@transaction.atomic
def tool_badges_settle(*, tool: Tool) -> dict[str, bool]:
    """After a write that moved ``tool``'s counts (a vote: reviews.services), and before the
    pages showing them are told: lock the row, read its counts and badges as they now stand
    and write the badges that moved. Locked, so that of two votes settling at once the later
    reads what the earlier wrote. ``tool`` is left holding what was read; returns what moved.
    """
    locked = Tool.objects.select_for_update().values(*BADGE_READS).get(pk=tool.pk)
    for field, now in locked.items():
        setattr(tool, field, now)
    moved = badges_moved(tool)
    if moved:
        Tool.objects.filter(pk=tool.pk).update(**moved)
        for field, held in moved.items():
            setattr(tool, field, held)
    return moved


@transaction.atomic
def tool_badges_update(*, tool_ids: Iterable[int] | None = None) -> int:
    """Bring the badges kept on tool rows in line with their counts, for the services that
    recount them (reviews.services), in their transaction; with no ids, every tool. Returns
    how many tools gained or lost a badge. The counts' writer moves CONTENT, and this moves
    it again only when a badge moved, as a rule that changed would need."""
    tools = Tool.objects.all() if tool_ids is None else Tool.objects.filter(pk__in=list(tool_ids))
    changes: dict[tuple[str, bool], list[int]] = {}
    changed = set()
    for tool in tools.order_by("pk").only("pk", *BADGE_READS).iterator(chunk_size=2000):
        for field, held in badges_moved(tool).items():
            changes.setdefault((field, held), []).append(tool.pk)
            changed.add(tool.pk)
    for (field, held), pks in changes.items():
        Tool.objects.filter(pk__in=pks).update(**{field: held})
    if changed:
        pagecache.bump(CONTENT)
    return len(changed)


@transaction.atomic
def bookmark_toggle(
    *, member: AbstractBaseUser, tool: Tool, saved: bool | None = None
) -> Bookmark | None:
    """Save ``tool`` for ``member`` (``saved=True``) or let it go (``False``); None flips it.

    Asking for the state it is already in changes nothing, so a repeated click is harmless.
    Returns the bookmark, or None when the tool is not saved.
    """
    bookmark = Bookmark.objects.filter(member=member, tool=tool).first()
    if saved is None:
        saved = bookmark is None
    if saved and bookmark is None:
        bookmark, _ = Bookmark.objects.get_or_create(member=member, tool=tool)
    elif not saved and bookmark is not None:
        bookmark.delete()
        bookmark = None
    pagecache.bump(pagecache.member_own(member.pk))
    return bookmark


@transaction.atomic
def bookmarks_claim(*, member: AbstractBaseUser, tool_ids: Iterable[int]) -> list[Bookmark]:
    """Give ``member`` the bookmarks they made signed out. Ones they already have stay single."""
    live = Tool.objects.published().filter(pk__in=list(tool_ids)).values_list("pk", flat=True)
    pagecache.bump(pagecache.member_own(member.pk))
    return Bookmark.objects.bulk_create(
        [Bookmark(member=member, tool_id=pk) for pk in live], ignore_conflicts=True
    )


def verdict_days_record(*, day: dt.date | None = None) -> int:
    """Keep each published tool's ship rates as they stand now as ``day``'s point (today by
    default) on its timeline; run again the same day, it overwrites that day's point."""
    day = day or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {VerdictDay._meta.db_table} (tool_id, day, panel_pct, community_pct)
            SELECT id, %s, panel_pct, community_pct FROM {Tool._meta.db_table}
            WHERE status = %s
            ON CONFLICT (tool_id, day) DO UPDATE
            SET panel_pct = EXCLUDED.panel_pct, community_pct = EXCLUDED.community_pct
            """,
            [day, Tool.Status.PUBLISHED],
        )
        return cursor.rowcount
