from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tools.forms import CatalogueFilterForm
from tools.models import Category, Tool
from verdicts import structured_data
from verdicts.htmx import HtmxHttpRequest
from verdicts.models import Comparison
from verdicts.paging import paginate
from verdicts.sidebyside import scorecard


@require_GET
@vary_on_headers("HX-Request")
def tool_list(request: HtmxHttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    tools = form.filter(Tool.objects.published().with_category())
    template = "tools/tool_list.html#results" if request.htmx else "tools/tool_list.html"
    return render(request, template, {"form": form, **paginate(request, tools)})


@require_GET
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tool = get_object_or_404(Tool.objects.visible_to(request.user).with_category(), slug=slug)
    comparisons = Comparison.objects.published().involving(tool).with_tools().newest_first()
    others = Tool.objects.published().in_category(tool.category_id).exclude(pk=tool.pk)
    rows = scorecard([tool])
    return render(
        request,
        "tools/tool_detail.html",
        {
            "tool": tool,
            "tools": [tool],
            "rows": rows,
            "structured_data": structured_data.tool_page(tool, rows),
            "comparisons": comparisons,
            "compare_with": others.only("name", "slug").order_by("name")[:50],
        },
    )


@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tools/category_list.html", {"categories": Category.objects.with_tool_counts()}
    )


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    tools = Tool.objects.published().in_category(category).with_category().top_by_panel()
    comparisons = Comparison.objects.published().in_category(category).with_tools()
    return render(
        request,
        "tools/category_detail.html",
        {
            "category": category,
            **paginate(request, tools),
            "comparisons": comparisons.newest_first()[:12],
        },
    )


@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    tools = Tool.objects.published().with_category()
    by_category: dict[Category, dict] = {}
    for measure, ranked in [
        ("panel", tools.top_by_panel()),
        ("community", tools.top_by_community()),
    ]:
        for tool in ranked.per_category(limit=3):
            shelf = by_category.setdefault(tool.category, {"panel": [], "community": []})
            shelf[measure].append(tool)
    return render(
        request,
        "tools/rankings.html",
        {
            "top_panel": tools.top_by_panel()[:10],
            "top_community": tools.top_by_community()[:10],
            "by_category": by_category,
            "disagree": tools.panel_crowd_disagree()[:10],
            "min_votes": settings.RANKING_MIN_VOTES,
        },
    )
