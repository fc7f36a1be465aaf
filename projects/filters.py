from django.utils.translation import gettext_lazy as _

from core.filters import RegisterFilterSet, sort_filter, status_filter, year_filter
from projects.models import Project

SORT_OPTIONS = {
    "": (_("Title A–Ö"), ("title_sv", "id")),
    "-title": (_("Title Ö–A"), ("-title_sv", "-id")),
    "-start": (_("Newest first"), ("-start_year", "title_sv", "id")),
    "start": (_("Oldest first"), ("start_year", "title_sv", "id")),
}


class ProjectFilterSet(RegisterFilterSet):
    status = status_filter()
    year = year_filter()
    sort = sort_filter(SORT_OPTIONS)

    country_m2m = "countries"
    sort_options = SORT_OPTIONS

    class Meta:
        model = Project
        fields = ["country", "goal", "theme", "status", "year", "q", "sort"]
