"""Open-data addresses outside the language prefixes: one address per file, whatever the
visitor's language (the records carry both languages' texts)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, path, re_path

from opendata import views
from opendata.api import api
from opendata.http import open_data, read_only
from opendata.sitemaps import SITEMAPS


def wrapped(patterns):
    """The API's URL patterns, each view wrapped with open_data (304, CORS, no-cache)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            wrapped(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = open_data(pattern.callback)
    return patterns


api_patterns, api_app_name, api_namespace = api.urls

urlpatterns = [
    path("api/v1/", views.api_index, name="api-index"),
    path("api/v1/", (wrapped(api_patterns), api_app_name, api_namespace)),
    # Any other address under /api/ answers in JSON too, never with the HTML 404 page.
    re_path(r"^api/", views.api_not_found, name="api-not-found"),
    re_path(
        r"^oppna-data/utgavor/(?P<name>\d{4}-\d{2}-\d{2}(?:-\d+)?)/(?P<filename>[\w.-]+)$",
        views.release_file,
        name="release-file",
    ),
    path("partnerskap/bidrag.json", views.grants_360giving, name="data-grants-360giving"),
    path("projekt/iati.xml", views.projects_iati, name="data-projects-iati"),
    path("partnerskap/iati.xml", views.partnerships_iati, name="data-partnerships-iati"),
    path("oppna-data/katalog.rdf", views.catalogue_rdf, name="data-catalogue"),
    path("oppna-data/hela-registret.zip", views.full_download, name="data-full-download"),
    path("sitemap.xml", read_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
