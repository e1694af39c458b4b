from django.urls import path

from watchlists import views

app_name = "watchlists"
urlpatterns = [
    path("", views.following, name="following"),
    path("<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("<str:kind>/<int:pk>/by-email/", views.follow_email, name="follow-by-email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("settings/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
