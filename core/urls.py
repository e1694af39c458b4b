from django.urls import path

from core import health, views

app_name = "core"
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("healthz", health.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("favicon.ico", views.favicon, name="favicon"),
]
