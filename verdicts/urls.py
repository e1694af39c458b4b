from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from verdicts import views
from verdicts.api import api
from verdicts.feeds import CategoryComparisonFeed, ComparisonFeed
from verdicts.health import healthz
from verdicts.sitemaps import SITEMAPS

admin.site.site_header = "Verdicts editors' desk"
admin.site.site_title = "Verdicts editors"
admin.site.index_title = "Content"

# The admin's own login form has no rate limit: send it through allauth's sign-in instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", include("verdicts.compare_urls")),
    path("panel/", include("reviews.urls")),
    path("tools/", include("reviews.vote_urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("tools.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("favicon.ico", views.favicon),
    path("feeds/comparisons/", ComparisonFeed(), name="feed-comparisons"),
    path("feeds/categories/<slug:slug>/", CategoryComparisonFeed(), name="feed-category"),
]

# allauth answers its rate-limited requests with this view when the URLconf names one.
handler429 = "verdicts.errors.rate_limited"
handler400 = "verdicts.errors.bad_request"
handler403 = "verdicts.errors.permission_denied"
handler404 = "verdicts.errors.page_not_found"
