"""A signed-out reader's bookmarks, kept in their session until they sign in."""

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest

from tools.models import Tool, ToolQuerySet
from tools.services import bookmarks_claim


class SessionBookmarks:
    KEY = "bookmarks"
    LIMIT = 100  # keeps a session small whatever a script posts at it

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    @property
    def ids(self) -> list[int]:
        """Saved tool ids, the most recently saved last."""
        return list(self.session.get(self.KEY, []))

    def toggle(self, tool: Tool, saved: bool | None = None) -> bool:
        """Save or let go of ``tool`` as ``bookmark_toggle`` does; returns whether it is saved."""
        ids = self.ids
        if saved is None:
            saved = tool.pk not in ids
        ids = [pk for pk in ids if pk != tool.pk]
        if saved:
            ids = [*ids, tool.pk][-self.LIMIT :]
        self.session[self.KEY] = ids
        return saved

    def pop(self) -> list[int]:
        return self.session.pop(self.KEY, [])


def for_reader(tools: ToolQuerySet, request: HttpRequest) -> ToolQuerySet:
    """``tools`` annotated with what this reader voted and saved, signed in or not."""
    saved = () if request.user.is_authenticated else SessionBookmarks(request.session).ids
    return tools.with_reader(request.user, saved)


def reader_bookmarks(request: HttpRequest, tools: ToolQuerySet) -> list[Tool]:
    """The published ones among ``tools`` this reader saved, the most recently saved first:
    their account's when signed in, their session's when not."""
    if request.user.is_authenticated:
        return list(tools.published().bookmarked_by(request.user))
    if not (ids := SessionBookmarks(request.session).ids):
        return []
    saved = tools.published().filter(pk__in=ids)
    return sorted(saved, key=lambda tool: ids.index(tool.pk), reverse=True)


@receiver(user_logged_in, dispatch_uid="tools.bookmarks.claim")
def claim_session_bookmarks(sender, request, user, **kwargs) -> None:
    """Signing in keeps what the reader saved while signed out, now on their account."""
    if request is None or not hasattr(request, "session"):
        return
    if ids := SessionBookmarks(request.session).pop():
        bookmarks_claim(member=user, tool_ids=ids)
