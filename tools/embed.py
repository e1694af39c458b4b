"""The badge other sites embed: a small SVG of a tool's current panel verdict.

``/tools/<slug>/badge.svg`` shows the tool's name, its panel verdict ("Ship · 3/4 · 82/100":
3 of 4 reviews ship, mean score 82), when that verdict last moved and the badges the tool
holds (core.badges), drawn by ``templates/tools/badge.svg``. It lives on READMEs and blogs,
read through their image proxies, so it must refresh soon after the verdict moves and cost
little when it has not:

- the ETag is a hash of the SVG itself, so it changes exactly when anything drawn does, and
  a reader (or a proxy) asking with ``If-None-Match`` gets a 304 while it is the same;
- ``Last-Modified`` is the verdict's date, but a badge or a rename can change the picture
  without moving that date, so 304s are answered on the ETag alone;
- browsers and proxies may keep it ``MAX_AGE`` seconds, and serve it stale for
  ``STALE_FOR`` more while they fetch it again; a shared cache in front of the site keeps it
  under the same surrogate keys as the tool's page (CONTENT, and the tool's votes, which
  move its community badge), so the purge that drops the page drops the badge.

A draft's badge, which only editors can see, is private.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateformat import format as date_format
from django.utils.http import http_date
from django.utils.timezone import localtime

from core import httpcache, pagecache
from core.bidi import isolate
from core.text import xml_text
from tools.models import Tool

MAX_AGE = 300  # seconds: an embedded badge is at most five minutes behind the verdict
STALE_FOR = 60  # seconds it may be served stale while it is fetched again
NAME_LENGTH = 30  # characters of the name that fit the badge's width; longer ones are cut
WIDTH, HEIGHT, BADGE_LINE = 320, 80, 20
CALL_MARKS = {"Ship": "✓", "Skip": "✕", "Split": "±"}
CALL_COLOURS = {"Ship": "#16633a", "Skip": "#a3281d", "Split": "#7a5200"}  # site.css, light
OTHER_COLOUR = "#4d4d57"
DATE = "j M Y"  # as the tool card writes the verdict's date


def verdict_line(tool: Tool) -> str:
    """ "Ship · 3/4 · 82/100" (3 of 4 reviews ship), or "Awaiting panel"."""
    panel = tool.panel
    if not panel.reviews:
        return panel.label
    return f"{panel.label} · {panel.ships}/{panel.reviews} · {panel.mean_score}/100"


def verdict_words(tool: Tool) -> str:
    """The verdict line as a screen reader should say it."""
    panel = tool.panel
    if not panel.reviews:
        return "awaiting the panel's reviews"
    return (
        f"the panel says {panel.label}, {panel.ships} of {panel.reviews} reviews ship, "
        f"mean score {panel.mean_score}/100"
    )


def _shortened(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else f"{name[: NAME_LENGTH - 1].rstrip()}…"


def badge_context(tool: Tool) -> dict:
    name = xml_text(tool.name)
    label = tool.panel.label
    updated = tool.verdict_updated_at
    badges = [badge.name for badge in tool.badges]
    said = verdict_words(tool)
    if updated:
        said += f"; verdict of {date_format(localtime(updated), DATE)}"
    if badges:
        said += f"; {' and '.join(badges)}"
    return {
        "name": _shortened(name),
        "title": f"{isolate(name)} on Verdicts: {said}.",
        "mark": CALL_MARKS.get(label, ""),
        "verdict": verdict_line(tool),
        "colour": CALL_COLOURS.get(label, OTHER_COLOUR),
        "updated": updated and date_format(localtime(updated), DATE),
        "badges": " · ".join(badges),
        "width": WIDTH,
        "height": HEIGHT + (BADGE_LINE if badges else 0),
    }


def badge_response(request: HttpRequest, tool: Tool) -> HttpResponse:
    svg = render_to_string("tools/badge.svg", badge_context(tool))
    etag = httpcache.validator(svg)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    if tool.verdict_updated_at:
        response["Last-Modified"] = http_date(tool.verdict_updated_at.timestamp())
    if not tool.is_live:  # an editor's preview
        patch_cache_control(response, private=True, max_age=0)
        return response
    shared = {"s_maxage": settings.HTTP_CACHE_SECONDS} if settings.HTTP_CACHE_SECONDS > 0 else {}
    patch_cache_control(
        response, public=True, max_age=MAX_AGE, stale_while_revalidate=STALE_FOR, **shared
    )
    httpcache.name_keys(response, [pagecache.CONTENT, pagecache.tool_votes(tool.slug)])
    return response
