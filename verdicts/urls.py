"""The site's addresses: each app's URLconf, the admin, allauth, and what spans the apps
(the API, the sitemap), put together here from each app's own parts."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import RedirectView

import comparisons.api
import core.api
import reviews.api
import tools.api
from comparisons.sitemaps import ComparisonSitemap
from core.sitemaps import PagesSitemap
from reviews.sitemaps import PersonaSitemap
from tools.sitemaps import CategorySitemap, ToolSitemap

admin.site.site_header = "Verdicts editors' desk"
admin.site.site_title = "Verdicts editors"
admin.site.index_title = "Content"

# The admin's own login form has no rate limit: send it through allauth's sign-in instead.
admin.site.login = secure_admin_login(admin.site.login)

api = core.api.SiteAPI(
    title="Verdicts API",
    version="1",
    description="Read-only: tools, the panel's verdicts, comparisons and personas.",
    # No docs page: Swagger's scripts come from a CDN, which the site's CSP (rightly) refuses.
    docs_url=None,
    urls_namespace="api",
)
api.add_router("", core.api.index)
api.add_router("", tools.api.router)
api.add_router("", reviews.api.router)
api.add_router("", comparisons.api.router)

SITEMAPS = {
    "pages": PagesSitemap(
        [
            "comparisons:home",
            "comparisons:comparison-list",
            "tools:tool-list",
            "comparisons:rankings",
            "tools:category-list",
            "reviews:panel",
            "comparisons:methodology",
            "comparisons:open-data",
        ]
    ),
    "comparisons": ComparisonSitemap,
    "tools": ToolSitemap,
    "categories": CategorySitemap,
    "panel": PersonaSitemap,
}

urlpatterns = [
    path("", include("comparisons.urls")),
    path("", include("tools.urls")),
    path("", include("reviews.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("following/", include("watchlists.urls")),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Members and comparisons were once the project package's models: old admin links live on.
    *[
        re_path(
            rf"^admin/verdicts/{model}/(?P<rest>.*)$",
            RedirectView.as_view(url=f"/admin/{app}/{model}/%(rest)s", query_string=True),
        )
        for app, model in [("accounts", "user"), ("comparisons", "comparison")]
    ],
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path(
        "",
        include(
            ([path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap")], "sitemaps")
        ),
    ),
]

# allauth answers its rate-limited requests with this view when the URLconf names one.
handler429 = "core.errors.rate_limited"
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
