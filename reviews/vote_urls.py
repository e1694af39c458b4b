from django.urls import path

from reviews import views

app_name = "votes"
urlpatterns = [
    path("<slug:slug>/vote/", views.tool_vote, name="cast"),
]
