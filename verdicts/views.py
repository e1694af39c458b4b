from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tools.bookmarks import for_reader
from tools.models import Category, Tool
from verdicts.http import HtmxHttpRequest
from verdicts.models import Comparison, pair_slug
from verdicts.paging import paginate
from verdicts.sidebyside import pair_resolve, side_by_side


@require_GET
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


@require_GET
def comparison_list(request: HttpRequest) -> HttpResponse:
    chosen = [*request.GET.get("tools", "").split(","), *request.GET.getlist("with")]
    chosen = [slug.strip() for slug in chosen if slug.strip()]
    if len(chosen) == 2 and chosen[0] != chosen[1]:
        return redirect("compare:detail", pair_slug(*chosen))
    if len(chosen) == 2:
        messages.info(request, "Pick two different tools to compare.")
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


@require_GET
@vary_on_headers("HX-Request")
def comparison_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    among = for_reader(Tool.objects.all(), request)
    pair = pair_resolve(slug=slug, user=request.user, among=among)
    if slug != pair.slug:
        return redirect("compare:detail", pair.slug, permanent=True)
    template = "verdicts/comparison_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#pick"  # the pick refreshing itself after a vote
    return render(
        request,
        template,
        {"pair": pair, "comparison": pair.comparison, "sbs": side_by_side(pair.tools)},
    )
