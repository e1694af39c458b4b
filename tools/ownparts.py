"""A reader's bookmarks as own parts of a shared page (core/ownparts.py): the pressed state
of a card's Bookmark button, and the bookmarks panel that lists them."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from core import ownparts
from tools.bookmarks import SessionBookmarks
from tools.models import Bookmark, Tool


def _saved(member_pk: int) -> list[int]:
    saved = Bookmark.objects.filter(member=member_pk).order_by("-created_at")
    return list(saved.values_list("tool", flat=True))


def saved_ids(request: HttpRequest) -> list[int]:
    """The tools this reader saved, the most recently saved first: their session's when
    signed out, their account's (remembered: core/ownparts.py) when signed in."""
    if not request.user.is_authenticated:
        return SessionBookmarks(request.session).ids[::-1]
    return ownparts.mine(request, "bookmarks")


def _buttons(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    saved = set(saved_ids(request))
    return ownparts.pick(parts, ["on" if int(part.key) in saved else "off" for part in parts])


def _panel(request: HttpRequest, parts: list[ownparts.Part]) -> list[str]:
    """The panel lists the reader's own tools, so it is rendered for them when they have any."""
    if not (ids := saved_ids(request)):
        return [part.plain for part in parts]
    tools = Tool.objects.published().with_category().in_bulk(ids)
    bookmarks = [tools[pk] for pk in ids if pk in tools]
    html = render_to_string("tools/_bookmarks_panel.html", {"bookmarks": bookmarks}, request)
    return [html for _ in parts]


def register() -> None:
    ownparts.remembered("bookmarks", _saved)
    ownparts.kind(
        "bookmark",
        states={"off": {"bookmarked": False}, "on": {"bookmarked": True}},
        resolve=_buttons,
    )
    ownparts.kind("bookmarks", states={"none": {"bookmarks": []}}, resolve=_panel)
