"""Open-data addresses in both languages (under the language prefixes, like the lists):
the "Öppna data" page and the feeds."""

from django.urls import path

from opendata import feeds, views
from opendata.http import open_data

app_name = "opendata"

urlpatterns = [
    path("oppna-data/", views.OpenDataPageView.as_view(), name="page"),
    # Before the apps' own URLs, where "feed" would be taken for a record's slug.
    path("projekt/feed/", open_data(feeds.ProjectFeed()), name="project-feed"),
    path("partnerskap/feed/", open_data(feeds.PartnershipFeed()), name="partnership-feed"),
]
