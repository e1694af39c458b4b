"""The pages that weigh tools against each other and against the panel and the crowd.

The home page, the comparisons, side by side, and also a tool's own page and a category's
page: those show the panel's scorecard (reviews) and the comparisons a tool is in, so they
live here, above both, rather than in tools/.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.ownparts import weights_state
from comparisons import markdown, share, structured_data
from comparisons.forms import CompareForm, Picker, PickForm, Slot, slot_label
from comparisons.history import pair_history
from comparisons.methodology import methodology as the_methodology
from comparisons.models import Comparison, pair_slug
from comparisons.moved import week_moved
from comparisons.sidebyside import pair_resolve, side_by_side, slug_splits
from core import shareimage
from core.errors import problem
from core.http import HtmxHttpRequest
from core.pagecache import VOTES, cached_for_readers, on_votes, tool_votes
from core.paging import paginate
from reviews import history
from reviews.models import Persona
from reviews.scorecard import scorecard
from reviews.weighting import (
    PARAM,
    WEIGHT_CHOICES,
    Weighting,
    reweigh,
    reweigh_these,
    reweigh_tool,
    sorted_by_panel_for,
    top_by_panel_for,
    weighting_or_answer,
    with_saved_weights,
)
from tools.bookmarks import for_reader, reader_bookmarks
from tools.models import Category, Tool
from tools.rankings import Ranking, rankings_by_category
from tools.renames import category_moved, follows_category_renames, follows_tool_renames


@require_safe
@with_saved_weights
@cached_for_readers(depends=on_votes, query=(PARAM,), repeated=(PARAM,))
def home(request: HttpRequest) -> HttpResponse:
    """The latest comparisons and the top tools; a reader's weights (as on /top/) count in the
    panel's top five. The seats are read only when the address names weights."""
    seats = list(Persona.objects.active()) if PARAM in request.GET else []
    weighting = weighting_or_answer(request, seats)
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    tools = Tool.objects.published().with_category()
    top_panel = Ranking.of_panel(top_by_panel_for(tools, weighting)[:5])
    if weighting.reweighted:
        reweigh(top_panel.tools)
    return render(
        request,
        "comparisons/home.html",
        {
            "latest": Comparison.objects.published().with_tools().newest_first()[:6],
            "top_panel": top_panel,
            "top_community": Ranking.of_community(tools.top_by_community_and_nearest(limit=5)),
            "categories": Category.objects.with_tool_counts(),
            "weighting": weighting,
        },
    )


def _is_a_pick(request: HttpRequest) -> bool:
    return "tools" in request.GET or "with" in request.GET


def _refreshing_the_pick(request: HtmxHttpRequest) -> bool:
    """An htmx GET of a side-by-side page is its pick refreshing itself after a vote."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_safe
@with_saved_weights
@cached_for_readers(
    depends=lambda request: [VOTES] if _is_a_pick(request) else [],
    query=("category", "page", "tools", PARAM),
    repeated=("with", PARAM),
)
@vary_on_headers("HX-Request")
def comparison_list(request: HtmxHttpRequest) -> HttpResponse:
    """Every comparison, each tool's panel verdict counted with a reader's weights; or the
    reader's own picks side by side. The seats are read only when the address names weights."""
    if _is_a_pick(request):
        return compare_tools(request)
    seats = list(Persona.objects.active()) if PARAM in request.GET else []
    weighting = weighting_or_answer(request, seats)
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    comparisons = Comparison.objects.published().with_tools().newest_first()
    category = None
    if slug := request.GET.get("category"):
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            if moved := category_moved(request):
                return moved
            raise Http404("No such category.")
        comparisons = comparisons.in_category(category)
    page = paginate(request, comparisons)
    page["page"].object_list = _reweighed(page["page"].object_list, weighting)
    return render(
        request,
        "comparisons/comparison_list.html",
        {
            **page,
            "category": category,
            "categories": Category.objects.all(),
            "picker": Picker.starting(),
            "weighting": weighting,
        },
    )


def compare_tools(request: HtmxHttpRequest) -> HttpResponse:
    """Readers' own picks: two tools go to their pair page, three or four side by side here,
    with the reader's weights as on a comparison page (the pair's page gets them too)."""
    form = CompareForm(request.GET, user=request.user)
    if not form.is_valid():
        picker = Picker.refilled(entries=form.entries)
        context = {"form": form, "picker": picker}
        return render(request, "comparisons/compare_tools.html", context, status=400)
    tools = form.cleaned_data["tools"]
    if len(tools) == 2:
        return _to_the_pair(request, tools)
    own = side_by_side(tools)
    # The scorecard's seats are the panel's: reading the weights costs no query.
    weighting = weighting_or_answer(request, [row.persona for row in own.rows])
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    sbs = own.reweighed(weighting) if weighting.reweighted else own
    template, refresh = "comparisons/compare_tools.html", _refreshing_the_pick(request)
    context = {"form": form, "sbs": sbs, "refresh": refresh}
    if not refresh:
        context["bookmarks"] = reader_bookmarks(request, Tool.objects.with_category())
        context["picker"] = Picker.refilled(entries=form.entries)
    return render(request, template + "#pick" if refresh else template, context)


def _to_the_pair(request: HttpRequest, tools: list[Tool]) -> HttpResponse:
    """Two picks are a pair, whose page has its own address: sent there with the reader's
    weights, as they came, for that page to read."""
    address = reverse("comparisons:comparison-detail", args=[pair_slug(*(t.slug for t in tools))])
    weights = urlencode([(PARAM, value) for value in request.GET.getlist(PARAM)], safe=":,")
    return redirect(f"{address}?{weights}" if weights else address)


@require_safe
@vary_on_headers("HX-Request")
def compare_pick(request: HtmxHttpRequest) -> HttpResponse:
    """The picker's live parts: a field's matches from the catalogue search as the reader
    types (``with``), the field with the tool they picked (``pick``), or the field empty."""
    if not request.htmx:  # a link to a part, opened on its own: the picker's page
        return redirect(f"{reverse('comparisons:comparison-list')}#compare-heading")
    form = PickForm(request.GET)
    if not form.is_valid():
        return problem(request, status=400, template="400.html", message="That pick was malformed.")
    number, text, slug = (form.cleaned_data[name] for name in ("slot", "text", "pick"))
    tools = Tool.objects.visible_to(request.user).with_category()
    if slug or "with" not in request.GET:
        picked = get_object_or_404(tools, slug=slug) if slug else None
        slot = Slot(number=number, label=slot_label(number), picked=picked, required=number <= 2)
        return render(
            request, "comparisons/_compare_picker.html#slot", {"slot": slot, "focus": True}
        )
    found = list(tools.matching(text)[:8]) if text else []
    context = {"slot_number": number, "text": text, "found": found}
    return render(request, "comparisons/_compare_picker.html#results", context)


def _pair_tools(request: HttpRequest, slug: str) -> list[str]:
    return [tool_votes(name) for split in slug_splits(slug) for name in split]


def _weights_context(request: HttpRequest, weighting: Weighting, target: str) -> dict:
    """What the weights form and its status (reviews/_weights.html) need."""
    return {
        "weighting": weighting,
        "weight_choices": WEIGHT_CHOICES,
        "weights_mine": weights_state(request.user, weighting.canonical),
        "weights_target": target,
    }


@require_safe
@with_saved_weights
@cached_for_readers(depends=_pair_tools, query=(PARAM,), repeated=(PARAM,))
@vary_on_headers("HX-Request")
def comparison_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    among = for_reader(Tool.objects.all(), request)
    pair = pair_resolve(slug=slug, user=request.user, among=among)
    if slug != pair.slug:
        address = reverse("comparisons:comparison-detail", args=[pair.slug])
        query = f"?{request.GET.urlencode(safe=':,')}" if request.GET else ""
        return redirect(address + query, permanent=True)
    own = side_by_side(pair.tools)
    # The scorecard's seats are the panel's: reading the weights costs no query.
    weighting = weighting_or_answer(request, [row.persona for row in own.rows])
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    # Machines (structured data, the share card) get the panel's own verdicts.
    data = structured_data.comparison_page(pair.title, request.path, own.tools, own.rows)
    card = share.comparison_card(own)
    sbs = own.reweighed(weighting) if weighting.reweighted else own
    template, refresh = "comparisons/comparison_detail.html", _refreshing_the_pick(request)
    return render(
        request,
        template + "#pick" if refresh else template,
        {
            "pair": pair,
            "comparison": pair.comparison,
            "sbs": sbs,
            "refresh": refresh,
            "bookmarks": [] if refresh else reader_bookmarks(request, Tool.objects.with_category()),
            "structured_data": data,
            "share_card": card,
            "history": None if refresh else pair_history(pair, sbs.rows),
            **_weights_context(request, weighting, "#pick"),
        },
    )


@require_safe
@with_saved_weights
@cached_for_readers(depends=on_votes, query=(PARAM,), repeated=(PARAM,))
@vary_on_headers("HX-Request")
def rankings(request: HtmxHttpRequest) -> HttpResponse:
    """/top/. The panel's rankings count a reader's weights (reviews/weighting.py), in SQL
    over every tool the whole panel reviewed, so it lives here, above the reviews it reads."""
    weighting = weighting_or_answer(request, list(Persona.objects.active()))
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    tools = Tool.objects.published().with_category()
    by_panel = top_by_panel_for(tools, weighting)
    by_category = rankings_by_category(tools, limit=3, panel=by_panel)
    top_panel = Ranking.of_panel(by_panel[:10])
    if weighting.reweighted:
        reweigh([*top_panel, *(t for top in by_category.values() for t in top["panel"])])
    refresh = _refreshing_the_pick(request)
    return render(
        request,
        "tools/rankings.html#rankings" if refresh else "tools/rankings.html",
        {
            "top_panel": top_panel,
            "top_community": Ranking.of_community(tools.top_by_community_and_nearest(limit=10)),
            "by_category": by_category,
            "disagree": tools.panel_crowd_disagree()[:10],
            "min_votes": settings.RANKING_MIN_VOTES,
            "refresh": refresh,
            **_weights_context(request, weighting, "#rankings"),
        },
    )


MARKDOWN = "text/markdown; charset=utf-8"


@require_safe
@cached_for_readers(depends=_pair_tools)
def comparison_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    """The page above as Markdown (comparisons/markdown.py): the same pair, the same figures."""
    pair = pair_resolve(slug=slug, user=request.user)
    if slug != pair.slug:
        return redirect("comparisons:comparison-markdown", pair.slug, permanent=True)
    text = markdown.comparison_page(pair, side_by_side(pair.tools))
    return HttpResponse(text, content_type=MARKDOWN)


@require_safe
@follows_tool_renames
@with_saved_weights
@cached_for_readers(
    depends=lambda request, slug: [tool_votes(slug)], query=(PARAM,), repeated=(PARAM,)
)
@vary_on_headers("HX-Request")
def tool_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    tools = for_reader(Tool.objects.visible_to(request.user).with_category(), request)
    tool = get_object_or_404(tools, slug=slug)
    rows = scorecard([tool])
    # The scorecard's seats are the panel's: reading the weights costs no query.
    weighting = weighting_or_answer(request, [row.persona for row in rows])
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    # Machines (structured data, the share card) get the panel's own verdict.
    data, card = structured_data.tool_page(tool, rows), share.tool_card(tool, rows)
    reweigh_tool(tool, rows, weighting)
    comparisons = Comparison.objects.published().involving(tool).with_tools()
    template, refresh = "comparisons/tool_detail.html", _refreshing_the_pick(request)
    context = {"tool": tool, "refresh": refresh, **_weights_context(request, weighting, "#verdict")}
    if refresh:  # the weights form swapping the verdict in place
        return render(request, template + "#verdict", context)
    return render(
        request,
        template,
        {
            **context,
            "tools": [tool],
            "rows": rows,
            "structured_data": data,
            "share_card": card,
            "history": history.tool_history(tool, personas=[row.persona for row in rows]),
            "timeline": history.tool_timeline(tool),
            "comparisons": _reweighed(comparisons.newest_first(), weighting),
            "picker": Picker.starting(fixed=tool),
        },
    )


@require_safe
@follows_tool_renames
@cached_for_readers(depends=lambda request, slug: [tool_votes(slug)])
def tool_markdown(request: HttpRequest, slug: str) -> HttpResponse:
    """The page above as Markdown: the card, the facts, the scorecard, its comparisons."""
    tool = get_object_or_404(Tool.objects.visible_to(request.user).with_category(), slug=slug)
    comparisons = Comparison.objects.published().involving(tool).with_tools().newest_first()
    text = markdown.tool_page(tool, scorecard([tool]), comparisons)
    return HttpResponse(text, content_type=MARKDOWN)


@require_safe
@follows_category_renames
@with_saved_weights
@cached_for_readers(depends=on_votes, query=("page", PARAM), repeated=(PARAM,))
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A shelf's tools, best by the panel first: with a reader's weights (as on /top/), by
    the weighted figures. The seats are read only when the address names weights."""
    category = get_object_or_404(Category, slug=slug)
    seats = list(Persona.objects.active()) if PARAM in request.GET else []
    weighting = weighting_or_answer(request, seats)
    if isinstance(weighting, HttpResponse):  # refused, or spelled another way
        return weighting
    tools = Tool.objects.published().in_category(category).with_category()
    page = paginate(request, for_reader(sorted_by_panel_for(tools, weighting), request))
    if weighting.reweighted:
        page["page"].object_list = reweigh(page["page"].object_list)
    comparisons = Comparison.objects.published().in_category(category).with_tools()
    return render(
        request,
        "comparisons/category_detail.html",
        {
            "category": category,
            **page,
            "comparisons": _reweighed(comparisons.newest_first()[:12], weighting),
            "weighting": weighting,
        },
    )


def _reweighed(comparisons, weighting: Weighting) -> list[Comparison]:
    """A list of comparisons, each tool's panel verdict counted with the reader's weights."""
    comparisons = list(comparisons)
    if weighting.reweighted:
        reweigh_these([tool for comparison in comparisons for tool in comparison.tools], weighting)
    return comparisons


def _share_image(request: HttpRequest, card: shareimage.ShareCard, tools) -> HttpResponse:
    """The card as a PNG, or 304 when the reader's copy shows the same: the ETag is the
    card's text, so the image is drawn only when a verdict, a score or the pick moved.
    Shared caches may keep it unless it shows a draft, which only editors may see."""
    response = get_conditional_response(request, etag=card.etag)
    if response is None:
        response = HttpResponse(shareimage.draw(card), content_type="image/png")
    response["ETag"] = card.etag
    who = "public" if all(tool.is_live for tool in tools) else "private"
    patch_cache_control(response, **{who: True}, max_age=settings.SHARE_IMAGE_MAX_AGE)
    return response


@require_safe
def comparison_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The comparison's preview card: both names, their verdicts and the pick."""
    pair = pair_resolve(slug=slug, user=request.user)
    if slug != pair.slug:
        return redirect("comparisons:comparison-share-image", pair.slug, permanent=True)
    return _share_image(request, share.comparison_card(side_by_side(pair.tools)), pair.tools)


@require_safe
@follows_tool_renames
def tool_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The tool's preview card: its panel and community verdicts and each seat's score."""
    tools = Tool.objects.visible_to(request.user).with_category()
    tool = get_object_or_404(tools, slug=slug)
    return _share_image(request, share.tool_card(tool, scorecard([tool])), [tool])


@require_safe
@cached_for_readers(depends=on_votes)
def moved(request: HttpRequest) -> HttpResponse:
    """What moved this week: a vote can flip a call or a pick, so it depends on votes."""
    return render(request, "comparisons/moved.html", {"moved": week_moved()})


@require_safe
@cached_for_readers(depends=on_votes)
def methodology(request: HttpRequest) -> HttpResponse:
    """Every rule with its numbers, each worked through on a live tool: votes move them."""
    return render(request, "comparisons/methodology.html", {"m": the_methodology()})


@require_safe
@cached_for_readers()
def corrections(request: HttpRequest) -> HttpResponse:
    """Every change an editor marked as fixing an error, newest first."""
    return render(request, "comparisons/corrections.html", {"changes": history.corrections()})
