"""Atom feeds of the newest published or changed projects and partnerships, for any
filtered list (/projekt/feed/?country=KE), in the page's language. Filter values the list
would report in a notice give an empty feed whose subtitle names them."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.filters import selected
from core.xmltext import xml_safe
from opendata.http import filter_errors
from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership
from projects.filters import ProjectFilterSet
from projects.models import Project
from reference.models import Organisation

FEED_SIZE = 50


def xml_safe_values(values):
    return {name: xml_safe(value) for name, value in values.items()}


class XMLSafeAtom1Feed(Atom1Feed):
    """Atom without the characters XML 1.0 cannot carry, from every text it is given (a
    stored title, a filter value in the subtitle): Django's writer fails on them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **xml_safe_values(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **xml_safe_values(kwargs))


class RegisterFeed(Feed):
    feed_type = XMLSafeAtom1Feed
    filterset_class = None
    model = None
    list_url_name = ""
    heading = ""

    def get_object(self, request, *args, **kwargs):
        params = request.GET.copy()
        for name in ("page", "sort"):
            params.pop(name, None)
        queryset = self.model.objects.published()
        filterset = self.filterset_class(params or None, queryset=queryset, request=request)
        filterset.query = params.urlencode()
        filterset.feed_path = request.path
        filterset.host = request.get_host().split(":")[0]
        return filterset

    def feed_url(self, filterset):
        """The feed's own address with its filter (the self link)."""
        query = filterset.query
        return f"{filterset.feed_path}?{query}" if query else filterset.feed_path

    def author_name(self):
        """The publisher of the open data (OPEN_DATA_PUBLISHER), as on the DCAT catalogue."""
        publisher = Organisation.objects.published().filter(slug=settings.OPEN_DATA_PUBLISHER)
        return next((o.name for o in publisher), None) or str(self.publisher_fallback)

    publisher_fallback = gettext_lazy("International cooperation register")

    def title(self, filterset):
        return f"{self.heading} – {_('International cooperation register')}"

    def link(self, filterset):
        url = reverse(self.list_url_name)
        return f"{url}?{filterset.query}" if filterset.query else url

    def subtitle(self, filterset):
        errors = filter_errors(filterset)
        if errors:
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in errors.items()
            )
            return _("Some of the filters could not be used: %(problems)s") % {"problems": problems}
        return _("Newly published and changed records, newest first.")

    def items(self, filterset):
        items = list(selected(filterset).order_by("-updated_at", "-id")[:FEED_SIZE])
        for item in items:
            item.feed_host = filterset.host
        return items

    # An entry's id never changes (a renamed slug changes its link, not the entry): a tag
    # URI (RFC 4151) of the site's host and the record's kind and id.
    item_guid_is_permalink = False

    def item_guid(self, item):
        return f"tag:{item.feed_host},2026:{item._meta.model_name}-{item.pk}"

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.published_at or item.created_at


class ProjectFeed(RegisterFeed):
    filterset_class = ProjectFilterSet
    model = Project
    list_url_name = "projects:project-list"
    heading = gettext_lazy("Projects")


class PartnershipFeed(RegisterFeed):
    filterset_class = PartnershipFilterSet
    model = Partnership
    list_url_name = "partnerships:partnership-list"
    heading = gettext_lazy("Partnerships")
