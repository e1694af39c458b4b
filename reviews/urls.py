from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.panel, name="panel"),
    path("<slug:slug>/", views.persona_detail, name="persona-detail"),
]
