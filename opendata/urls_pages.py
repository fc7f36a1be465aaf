"""Open-data addresses in both languages (under the language prefixes, like the lists):
the "Öppna data" page, its data dictionary, the feeds and the 360Giving CSV."""

from django.urls import path

from core.urls import localized_route
from opendata import feeds, views
from opendata.http import open_data

app_name = "opendata"

urlpatterns = [
    path(
        localized_route("oppna-data/", "open-data/"), views.OpenDataPageView.as_view(), name="page"
    ),
    path(
        localized_route("oppna-data/dataordlista/", "open-data/data-dictionary/"),
        views.DataDictionaryView.as_view(),
        name="data-dictionary",
    ),
    # Before the apps' own URLs: the grants CSV's own address (partnerships:grant-export),
    # answered here so that ?columns=360giving is made from the 360Giving JSON's grants.
    path(
        localized_route("partnerskap/bidrag.csv", "partnerships/grants.csv"),
        views.GrantExportView.as_view(),
    ),
    # Before the apps' own URLs, where "feed" would be taken for a record's slug.
    path(
        localized_route("projekt/feed/", "projects/feed/"),
        open_data(feeds.ProjectFeed()),
        name="project-feed",
    ),
    path(
        localized_route("partnerskap/feed/", "partnerships/feed/"),
        open_data(feeds.PartnershipFeed()),
        name="partnership-feed",
    ),
]
