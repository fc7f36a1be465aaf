"""Every public page is either in sitemap.xml (in both languages) or tells search engines
not to index it (issue #22: the sitemap lacked whole page kinds). Walked from the URL
resolver (tests/urlwalk.py), so a page kind added later without a sitemap entry fails."""

import re

import pytest

from tests.urlwalk import NOT_FOUND, NOT_OUR_PAGES, make_walk_records, walk_addresses

pytestmark = pytest.mark.django_db

NOINDEX = '<meta name="robots" content="noindex">'


def test_every_public_page_is_in_the_sitemap_or_not_indexed(client, seeded):
    make_walk_records()
    sitemap = client.get("/sitemap.xml").content.decode()
    listed = set(re.findall(r"<loc>http://testserver([^<]+)</loc>", sitemap))
    listed |= set(re.findall(r'hreflang="(?:sv|en)" href="http://testserver([^"]+)"', sitemap))
    missing, unindexed = [], []
    for address in walk_addresses():
        if "?" in address or address in NOT_OUR_PAGES or address in NOT_FOUND:
            continue
        response = client.get(address)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        if NOINDEX in response.content.decode():
            unindexed.append(address)
            assert address not in listed, f"{address} is listed but says noindex"
        elif address not in listed:
            missing.append(address)
    assert missing == []
    # Search results and the widgets (copies of pages, for other sites) are not indexed.
    assert "/sok/" in unindexed and "/en/countries/ke/embed/" in unindexed
    assert len(listed) > 40
