from django.urls import path
from django.views.generic import RedirectView

from comparisons import data_views, feeds, views
from tools.renames import follows_category_renames, follows_tool_renames

app_name = "comparisons"


def _to_twin(name: str):
    return RedirectView.as_view(pattern_name=name, permanent=True)


urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.comparison_list, name="comparison-list"),
    path("compare/pick/", views.compare_pick, name="compare-pick"),  # before the pairs' slugs
    path("compare/<slug:slug>/", views.comparison_detail, name="comparison-detail"),
    # Markdown twins at the page's address with .md for its closing slash (DESIGN.md's
    # <page>.md); llmstxt.org's spelling for an address ending in a slash leads there too.
    path("compare/<slug:slug>.md", views.comparison_markdown, name="comparison-markdown"),
    path("compare/<slug:slug>/index.html.md", _to_twin("comparisons:comparison-markdown")),
    path(
        "compare/<slug:slug>/share.png",
        views.comparison_share_image,
        name="comparison-share-image",
    ),
    path("tools/<slug:slug>/", views.tool_detail, name="tool-detail"),
    path("tools/<slug:slug>.md", views.tool_markdown, name="tool-markdown"),
    path("tools/<slug:slug>/index.html.md", _to_twin("comparisons:tool-markdown")),
    path("tools/<slug:slug>/share.png", views.tool_share_image, name="tool-share-image"),
    path("categories/<slug:slug>/", views.category_detail, name="category-detail"),
    path("top/", views.rankings, name="rankings"),
    path("moved/", views.moved, name="moved"),
    path("corrections/", views.corrections, name="corrections"),
    path("methodology/", views.methodology, name="methodology"),
    path("data/", data_views.open_data, name="open-data"),
    path("data/<slug:dataset>.<slug:format>", data_views.data_export, name="data-export"),
    path("llms.txt", data_views.llms_txt, name="llms-txt"),
    path("feeds/comparisons/", feeds.ComparisonFeed(), name="feed"),
    path("feeds/moved/", feeds.MovedFeed(), name="moved-feed"),
    path(
        "feeds/tools/<slug:slug>/history/",
        follows_tool_renames(feeds.ToolHistoryFeed()),
        name="tool-history-feed",
    ),
    path(
        "feeds/categories/<slug:slug>/",
        follows_category_renames(feeds.CategoryComparisonFeed()),
        name="category-feed",
    ),
]
