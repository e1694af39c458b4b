from django.urls import path

from tools import views

app_name = "tools"
urlpatterns = [
    path("tools/", views.tool_list, name="tool-list"),
    path("tools/<slug:slug>/bookmark/", views.tool_bookmark, name="tool-bookmark"),
    path("tools/<slug:slug>/badge.svg", views.tool_badge, name="tool-badge"),
    path("bookmarks/", views.bookmark_list, name="bookmark-list"),
    path("categories/", views.category_list, name="category-list"),
]
