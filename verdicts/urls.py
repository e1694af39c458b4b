from django.contrib import admin
from django.urls import include, path

from verdicts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", include("verdicts.compare_urls")),
    path("panel/", include("reviews.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("tools.urls")),
    path("admin/", admin.site.urls),
]
