from collections.abc import Iterable

from django.db import transaction

from tools.models import Bookmark, Tool
from verdicts.models import User


@transaction.atomic
def bookmark_toggle(*, member: User, tool: Tool, saved: bool | None = None) -> Bookmark | None:
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
    return bookmark


@transaction.atomic
def bookmarks_claim(*, member: User, tool_ids: Iterable[int]) -> list[Bookmark]:
    """Give ``member`` the bookmarks they made signed out. Ones they already have stay single."""
    live = Tool.objects.published().filter(pk__in=list(tool_ids)).values_list("pk", flat=True)
    return Bookmark.objects.bulk_create(
        [Bookmark(member=member, tool_id=pk) for pk in live], ignore_conflicts=True
    )
