from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("panel/", views.panel, name="panel"),
    path("panel/<slug:slug>/", views.persona_detail, name="persona-detail"),
    path("tools/<slug:slug>/vote/", views.tool_vote, name="tool-vote"),
    path("weights/", views.weights_keep, name="weights-keep"),
]
