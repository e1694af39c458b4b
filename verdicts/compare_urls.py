from django.urls import path

from verdicts import views

app_name = "compare"
urlpatterns = [
    path("", views.comparison_list, name="list"),
    path("<slug:slug>/", views.comparison_detail, name="detail"),
]
