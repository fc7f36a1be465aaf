from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
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
# Uploaded images in development; in production the web server or the storage serves them.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
