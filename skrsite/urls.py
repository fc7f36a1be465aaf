from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from core.views import health
from pages.views import world_land_svg
from pages.widgets import oembed

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    # Some browsers and feed readers ask for /favicon.ico without reading the page's links;
    # they get the PNG, which they all can read (lazy: the static URL is hashed in production).
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static_url, str)("img/favicon-32.png"), permanent=True),
    ),
    # The world map's background, made from the shapes (not a static file: README, "Map").
    path("karta/land.svg", world_land_svg, name="world-land"),
    # oEmbed for the widgets (pages/widgets.py): one address for both languages.
    path("oembed", oembed, name="oembed"),
    path("", include("opendata.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("opendata.urls_pages")),
    path("", include("pages.urls")),
    path("", include("projects.urls")),
    path("", include("partnerships.urls")),
    path("", include("corrections.urls")),
    prefix_default_language=False,
)
# Uploaded images in development; in production the web server or the storage serves them.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
