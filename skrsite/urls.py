from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core.views import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    path("", include("opendata.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("opendata.urls_pages")),
    path("", include("pages.urls")),
    path("", include("projects.urls")),
    path("", include("partnerships.urls")),
    prefix_default_language=False,
)
