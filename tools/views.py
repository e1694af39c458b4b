"""The catalogue's pages: the tool list, categories, rankings and a reader's bookmarks.

A tool's own page and a category's page also show the panel and comparisons, and the
rankings count a reader's weights for the panel's reviews, so they live in
comparisons/views.py.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from core.bidi import isolate
from core.http import HtmxHttpRequest, back_url, per_reader_limit
from core.pagecache import cached_for_readers, on_votes, uncacheable
from core.paging import paginate
from tools.bookmarks import SessionBookmarks, for_reader, reader_bookmarks
from tools.embed import badge_response
from tools.filters import CatalogueFilter
from tools.models import Category, Tool
from tools.renames import category_moved, follows_tool_renames
from tools.services import bookmark_toggle


@require_safe
@cached_for_readers(depends=on_votes, query=[*CatalogueFilter.base_filters, "page"])
@vary_on_headers("HX-Request")
def tool_list(request: HtmxHttpRequest) -> HttpResponse:
    tools = for_reader(Tool.objects.published().with_category(), request)
    catalogue = CatalogueFilter(request.GET, tools, request=request)
    if "category" in catalogue.errors and (moved := category_moved(request)):
        return moved
    if catalogue.errors:  # shown and ignored, but no link on the site asks for them
        uncacheable(request)
    # A history restore asks for the whole page, whatever else it says (core/pagecache.py
    # keeps it as the page): the results alone would be kept as the page for everyone.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "tools/tool_list.html#results" if fragment else "tools/tool_list.html"
    context = {"filter": catalogue, "form": catalogue.form, **paginate(request, catalogue.qs)}
    return render(request, template, context)


@require_safe
@cached_for_readers()
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tools/category_list.html", {"categories": Category.objects.with_tool_counts()}
    )


@require_safe
@follows_tool_renames
def tool_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The tool's verdict as an SVG for other sites to embed (tools/embed.py)."""
    # Drafts, which only editors see, are looked for only when no live tool has the slug: a
    # live tool's badge never reads the session, so it is the same for every reader.
    tool = Tool.objects.published().filter(slug=slug).first()
    if tool is None:
        tool = get_object_or_404(Tool.objects.visible_to(request.user), slug=slug)
    return badge_response(request, tool)


@require_POST
@follows_tool_renames
@per_reader_limit("BOOKMARK_RATE_LIMIT")
def tool_bookmark(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Save a tool or let it go: ``saved`` = 1 or 0 says which; without it, flip it."""
    tool = get_object_or_404(Tool.objects.published(), slug=slug)
    wanted = {"1": True, "0": False}.get(request.POST.get("saved", ""))
    if request.user.is_authenticated:
        saved = bookmark_toggle(member=request.user, tool=tool, saved=wanted) is not None
    else:
        saved = SessionBookmarks(request.session).toggle(tool, saved=wanted)
    tool.reader_bookmarked = saved
    done = ("Saved {} to your bookmarks." if saved else "Removed {} from your bookmarks.").format(
        isolate(tool.name)
    )
    if request.htmx:
        response = render(request, "tools/bookmark_saved.html", {"tool": tool, "done": done})
        return trigger_client_event(response, "bookmarks-changed")  # e.g. a bookmarks panel
    messages.success(request, done)
    back = back_url(request, tool.get_absolute_url())
    return redirect(f"{back}#tool-{tool.slug}")


@require_safe
@vary_on_headers("HX-Request")
def bookmark_list(request: HtmxHttpRequest) -> HttpResponse:
    """The reader's bookmarks page; for htmx, the bookmarks panel other pages show
    (tools/_bookmarks_panel.html), fetching itself again after a bookmark."""
    if request.htmx and not request.htmx.history_restore_request:
        bookmarks = reader_bookmarks(request, Tool.objects.with_category())
        return render(request, "tools/_bookmarks_panel.html", {"bookmarks": bookmarks})
    tools = reader_bookmarks(request, for_reader(Tool.objects.with_category(), request))
    return render(request, "tools/bookmark_list.html", {"tools": tools})
