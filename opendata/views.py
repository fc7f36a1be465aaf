"""The open-data files (360Giving, IATI, the DCAT catalogue), robots.txt and the "Öppna
data" page. The files read the lists' own FilterSets, so a file holds what the list with
the same parameters shows; parameters the list would report in a notice are answered
with 400 and a JSON body naming them."""

from django.views.generic import TemplateView

from opendata import records as r
from opendata.giving360 import package_response
from opendata.http import BadParameters, filtered, json_error, open_data
from partnerships.filters import PartnershipFilterSet
from partnerships.models import Partnership


def bad_request(exc):
    return json_error(exc.message, 400, exc.errors)


@open_data
def grants_360giving(request):
    """/partnerskap/bidrag.json?<the filters of /partnerskap/>"""
    try:
        filterset = filtered(
            PartnershipFilterSet, Partnership.objects.published(), request.GET, request
        )
    except BadParameters as exc:
        return bad_request(exc)
    return package_response(request, r.grants_of(filterset.qs))


class OpenDataPageView(TemplateView):
    template_name = "opendata/open_data.html"
