"""Open-data addresses in both languages (under the language prefixes, like the lists):
the "Öppna data" page and the feeds."""

from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("oppna-data/", views.OpenDataPageView.as_view(), name="page"),
]
