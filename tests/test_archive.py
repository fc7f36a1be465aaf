"""A preservable copy of the whole public register (issue: the archive of record): a
BagIt bag that validates, a static copy of every public page in both languages whose
internal links all resolve to files in the copy, and a WARC file with one response
record per captured address."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import Publication
from tests.conftest import make_partnership, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def bag(seeded, tmp_path):
    from reference.models import Organisation

    make_partnership(
        "borlange-kisumu",
        country="KE",
        participants=[Organisation.objects.get(slug="borlange")],
        start_year=2016,
    )
    make_project("hemligt-utkast", title_sv="Hemligt utkast", publication=Publication.DRAFT)
    directory = tmp_path / "bag"
    call_command("archive", str(directory), "--base-url", "http://testserver", verbosity=0)
    return directory


def test_the_bag_validates_and_holds_a_release(bag):
    import bagit

    assert bagit.Bag(str(bag)).validate()
    (release,) = (bag / "data" / "release").iterdir()
    assert (release / "datapackage.json").exists() and (release / "SHA256SUMS").exists()


def test_the_static_copy_browses_without_a_server(bag):
    site = bag / "data" / "site"
    assert (site / "index.html").exists() and (site / "en" / "index.html").exists()
    assert (site / "partnerskap" / "borlange-kisumu" / "index.html").exists()
    broken = []
    pages = list(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text()
        for url in re.findall(r'(?:href|src|action|data)="([^"]*)"', html):
            if url.startswith(("http://", "https://", "mailto:", "#", "data:")) or not url:
                continue
            target = (page.parent / url.split("#")[0]).resolve()
            if not target.is_file():
                broken.append((str(page.relative_to(site)), url))
    assert not broken, broken[:10]
    home = (site / "index.html").read_text()
    assert "css" in home and "Sökning och filtrering kräver den levande webbplatsen" in home
    assert 'action="http://testserver/sok/"' in home
    text = "".join(p.read_text(errors="ignore") for p in pages)
    assert "Hemligt utkast" not in text


def test_the_warc_holds_one_response_per_captured_address(bag):
    from warcio.archiveiterator import ArchiveIterator

    with open(bag / "data" / "register.warc.gz", "rb") as handle:
        urls = [
            r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(handle)
            if r.rec_type == "response"
        ]
    assert len(urls) == len(set(urls))
    assert "http://testserver/" in urls and "http://testserver/en/" in urls
    site = bag / "data" / "site"
    pages = len(list(site.rglob("index.html")))
    assert len(urls) >= pages


def test_the_archive_refuses_a_folder_in_use(bag):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("archive", str(bag), "--base-url", "http://testserver", verbosity=0)
    assert Path(bag, "bagit.txt").exists()


def test_a_page_that_fails_stops_the_archive_and_leaves_nothing(seeded, tmp_path, monkeypatch):
    """A copy missing a page is no archive: a sitemap page that does not answer 200 (an
    error of the site, as a deployment without its static files gives on every page)
    stops it with the address, and the folder is left as it was, empty."""
    from django.core.management.base import CommandError
    from django.http import HttpResponseServerError

    from opendata import archive

    served = archive.render_as_served

    def failing(address):
        if address.endswith("/partnerskap/"):
            return HttpResponseServerError("fel")
        return served(address)

    monkeypatch.setattr(archive, "render_as_served", failing)
    directory = tmp_path / "bag"
    with pytest.raises(CommandError, match="/partnerskap/ answered 500"):
        call_command("archive", str(directory), "--base-url", "http://testserver", verbosity=0)
    assert not directory.exists() or not any(directory.iterdir())


def test_pages_rendered_for_an_archive_do_not_fill_the_page_cache(client, seeded, settings):
    """An archive renders every page once (110 000 at 100 000 grants): storing them would
    push the pages visitors ask for out of the shared cache for nothing."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opendata.wholefiles import render_as_served

    def register_queries(get):
        with CaptureQueriesContext(connection) as ctx:
            assert get().status_code == 200
        return [q for q in ctx.captured_queries if "register_cache" not in q["sql"]]

    settings.FACET_CACHE_SECONDS = 60
    cache.clear()
    address = "http://testserver/projekt/?country=KE"
    register_queries(lambda: render_as_served(address))
    assert register_queries(lambda: render_as_served(address))  # rendered again
    # A visitor's page is stored as before.
    register_queries(lambda: client.get("/projekt/?country=KE"))
    assert not register_queries(lambda: client.get("/projekt/?country=KE"))
