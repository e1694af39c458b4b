from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from verdicts import views

# The admin's own login form has no rate limit: send it through allauth's sign-in instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", include("verdicts.compare_urls")),
    path("panel/", include("reviews.urls")),
    path("tools/", include("reviews.vote_urls")),
    path("", include("tools.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# allauth answers its rate-limited requests with this view when the URLconf names one.
handler429 = "verdicts.errors.rate_limited"
handler400 = "verdicts.errors.bad_request"
handler403 = "verdicts.errors.permission_denied"
handler404 = "verdicts.errors.page_not_found"
