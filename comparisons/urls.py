from django.urls import path

from comparisons import feeds, views
from tools.renames import follows_category_renames, follows_tool_renames

app_name = "comparisons"
urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.comparison_list, name="comparison-list"),
    path("compare/pick/", views.compare_pick, name="compare-pick"),  # before the pairs' slugs
    path("compare/<slug:slug>/", views.comparison_detail, name="comparison-detail"),
    path(
        "compare/<slug:slug>/share.png",
        views.comparison_share_image,
        name="comparison-share-image",
    ),
    path("tools/<slug:slug>/", views.tool_detail, name="tool-detail"),
    path("tools/<slug:slug>/share.png", views.tool_share_image, name="tool-share-image"),
    path("categories/<slug:slug>/", views.category_detail, name="category-detail"),
    path("top/", views.rankings, name="rankings"),
    path("moved/", views.moved, name="moved"),
    path("corrections/", views.corrections, name="corrections"),
    path("methodology/", views.methodology, name="methodology"),
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
