from django.urls import path

from tools import views

app_name = "tools"
urlpatterns = [
    path("tools/", views.tool_list, name="tool-list"),
    path("tools/<slug:slug>/", views.tool_detail, name="tool-detail"),
    path("top/", views.rankings, name="rankings"),
    path("tools/<slug:slug>/bookmark/", views.tool_bookmark, name="tool-bookmark"),
    path("bookmarks/", views.bookmark_list, name="bookmark-list"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/<slug:slug>/", views.category_detail, name="category-detail"),
]
