from django.urls import path

from newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.thanks, name="thanks"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/sample/", views.unsubscribe_sample, name="unsubscribe-sample"),
    path("unsubscribe/<uuid:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:key>/", views.edition_detail, name="edition"),
]
