"""Publishing a record whose public page names a draft (issue #19, point 8): a partner
municipality still a draft showed as "Uppgift saknas" on the published page with no word
to the editor. The admin warns before publishing (on the draft's change form) and after
(form save and bulk action), names the drafts, and links to them in the admin, where
"Publish selected" publishes them."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import Publication
from partnerships.models import Grant, Partnership
from reference.models import Organisation, OrganisationKind
from tests.conftest import admin_form_data, make_municipality, make_partnership, set_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_partner(seeded):
    """A draft partnership with a published Swedish participant and a draft partner
    municipality; its grant's source of money is a draft too."""
    partner = make_municipality(
        "Utkastby",
        kind=OrganisationKind.PARTNER_GOVERNMENT,
        country="KE",
        publication=Publication.DRAFT,
    )
    money = make_municipality(
        "Hemlig fond", kind=OrganisationKind.NONPROFIT, publication=Publication.DRAFT
    )
    partnership = make_partnership(
        "borlange-utkastby",
        country="KE",
        participants=[Organisation.objects.get(slug="borlange")],
        partners=[partner],
        publication=Publication.DRAFT,
    )
    record = Grant.objects.create(
        partnership=partnership,
        year=2016,
        amount_sek_per_year=100_000,
        duration_years=1,
    )
    set_roles(record, funding_source=money)
    return partnership, partner, money


def warnings(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_the_draft_form_warns_before_publishing_and_links_to_the_drafts(
    admin_client, draft_partner
):
    partnership, partner, money = draft_partner
    response = admin_client.get(f"/admin/partnerships/partnership/{partnership.pk}/change/")
    page = response.content.decode()
    assert "När posten publiceras kommer dess publika sida att utelämna" in page
    assert (
        "Utkastby" in page
        and "Hemlig fond" in page
        and "Borlänge" not in page.split("utelämna")[1].split("</li>")[0]
    )
    (link,) = re.findall(r'href="(/admin/reference/organisation/\?id__in=[^"]+)"', page)
    listed = admin_client.get(html.unescape(link))
    assert listed.status_code == 200
    shown = {o.pk for o in listed.context["cl"].result_list}
    assert shown == {partner.pk, money.pk}


def test_publishing_by_the_form_and_by_the_action_warns_of_the_drafts(admin_client, draft_partner):
    partnership, partner, _money = draft_partner
    url = f"/admin/partnerships/partnership/{partnership.pk}/change/"
    data = admin_form_data(admin_client, url)
    data["publication"] = Publication.PUBLISHED
    saved = admin_client.post(url, data)
    assert saved.status_code == 302
    assert Partnership.objects.get(pk=partnership.pk).publication == Publication.PUBLISHED
    (warning,) = warnings(saved)
    assert "Den publika sidan utelämnar det som fortfarande är utkast" in warning
    assert "Utkastby" in warning
    admin_client.get(saved.url)  # the page the editor sees next shows (and uses) it

    Partnership.objects.filter(pk=partnership.pk).update(publication=Publication.DRAFT)
    acted = admin_client.post(
        reverse("admin:partnerships_partnership_changelist"),
        {"action": "publish_selected", "_selected_action": [partnership.pk]},
    )
    (warning,) = warnings(acted)
    assert "Utkastby" in warning


def test_no_warning_once_what_the_page_names_is_published(admin_client, draft_partner):
    partnership, partner, money = draft_partner
    Organisation.objects.filter(pk__in=[partner.pk, money.pk]).update(
        publication=Publication.PUBLISHED
    )
    response = admin_client.get(f"/admin/partnerships/partnership/{partnership.pk}/change/")
    assert warnings(response) == []
