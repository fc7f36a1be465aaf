from django.utils.translation import gettext_lazy as _

from projects.models import Project
from projects.quality import CHECKS
from reference.filters import (
    RegisterFilterSet,
    sort_filter,
    status_filter,
    unstated_filter,
    year_filter,
)

# "title" is the title in the page's language (see RegisterFilterSet.filter_sort).
SORT_OPTIONS = {
    "": (_("Title A–Z"), ("title", "id")),
    "-title": (_("Title Z–A"), ("-title", "-id")),
    "-start": (_("Newest first"), ("-start_date", "title", "id")),
    "start": (_("Oldest first"), ("start_date", "title", "id")),
}


class ProjectFilterSet(RegisterFilterSet):
    status = status_filter()
    year = year_filter()
    sort = sort_filter(SORT_OPTIONS)
    unstated = unstated_filter()

    country_m2m = "countries"
    sort_options = SORT_OPTIONS
    quality_checks = CHECKS
    facet_names = (*RegisterFilterSet.facet_names, "unstated")

    class Meta:
        model = Project
        fields = [*RegisterFilterSet.facet_names, "unstated", "q", "sort"]
