from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tools.bookmarks import for_reader
from tools.models import Category, Tool
from verdicts import structured_data
from verdicts.forms import CompareForm
from verdicts.http import HtmxHttpRequest
from verdicts.models import Comparison, pair_slug
from verdicts.pagecache import cached_for_readers
from verdicts.paging import paginate
from verdicts.sidebyside import pair_resolve, side_by_side, slug_splits


@require_GET
@cached_for_readers(depends=lambda request: ["votes"])
def home(request: HttpRequest) -> HttpResponse:
    tools = Tool.objects.published().with_category()
    return render(
        request,
        "verdicts/home.html",
        {
            "latest": Comparison.objects.published().with_tools().newest_first()[:6],
            "top_panel": tools.top_by_panel()[:5],
            "top_community": tools.top_by_community()[:5],
            "categories": Category.objects.with_tool_counts(),
        },
    )


def _picked_tools_show_votes(request: HttpRequest) -> list[str]:
    return ["votes"] if "tools" in request.GET or "with" in request.GET else []


@require_GET
@cached_for_readers(depends=_picked_tools_show_votes)
def comparison_list(request: HttpRequest) -> HttpResponse:
    if "tools" in request.GET or "with" in request.GET:
        return compare_tools(request)
    comparisons = Comparison.objects.published().with_tools().newest_first()
    category = None
    if slug := request.GET.get("category"):
        category = get_object_or_404(Category, slug=slug)
        comparisons = comparisons.in_category(category)
    return render(
        request,
        "verdicts/comparison_list.html",
        {
            **paginate(request, comparisons),
            "category": category,
            "categories": Category.objects.all(),
        },
    )


def compare_tools(request: HttpRequest) -> HttpResponse:
    """Readers' own picks: two tools go to their pair page, three or four side by side here."""
    form = CompareForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "verdicts/compare_tools.html", {"form": form}, status=400)
    tools = form.cleaned_data["tools"]
    if len(tools) == 2:
        return redirect("compare:detail", pair_slug(tools[0].slug, tools[1].slug))
    return render(
        request, "verdicts/compare_tools.html", {"form": form, "sbs": side_by_side(tools)}
    )


def _pair_tools(request: HttpRequest, slug: str) -> list[str]:
    return [f"tool:{name}" for split in slug_splits(slug) for name in split]


@require_GET
@cached_for_readers(depends=_pair_tools)
@vary_on_headers("HX-Request")
def comparison_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    among = for_reader(Tool.objects.all(), request)
    pair = pair_resolve(slug=slug, user=request.user, among=among)
    if slug != pair.slug:
        return redirect("compare:detail", pair.slug, permanent=True)
    sbs = side_by_side(pair.tools)
    template = "verdicts/comparison_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#pick"  # the pick refreshing itself after a vote
    return render(
        request,
        template,
        {
            "pair": pair,
            "comparison": pair.comparison,
            "sbs": sbs,
            "structured_data": structured_data.comparison_page(
                pair.title, request.path, sbs.tools, sbs.rows
            ),
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /bookmarks/",
        "Disallow: /api/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def ping(request: HttpRequest) -> HttpResponse:
    """The smallest page the site serves: the ceiling the benchmarks measure against."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon.

    Resolved per request, not at import: the hashed name exists only once collectstatic ran.
    """
    return redirect(static("icons/favicon.svg"), permanent=True)
