"""A preservable copy of the whole public register (issue: the archive of record).

`manage.py archive DIR --base-url https://…` writes a BagIt bag (the Library of
Congress's packaging format, `bagit`) into DIR holding:

- `release/<name>/`: a new dated release (opendata/releases.py);
- `site/`: every page the sitemap lists, in both languages, as served at that moment
  (opendata.wholefiles.render_as_served), saved as `<path>/index.html`, with every link
  to another saved page, style sheet, image or the map's shapes made relative, so the
  copy browses from the file system with no server. Links the copy cannot hold (a
  filtered list, search, the admin) point at the live site, and every form says that
  searching and filtering need it;
- `register.warc.gz`: the same responses as a WARC file (ISO 28500, `warcio`), which a
  replay tool such as pywb opens;
- the bag's manifests with SHA-256 and SHA-512 checksums of every file.

Nothing in the database changes; drafts are hidden as on the live site."""

import io
import os
import re
import shutil
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import translation
from django.utils.translation import gettext as _

from opendata.releases import make_release
from opendata.sitemaps import SITEMAPS
from opendata.wholefiles import render_as_served

LINK = re.compile(r'(?P<attr>\b(?:href|src|action|data))="(?P<url>[/?][^"]*)"')
FORM = re.compile(r"(<form\b[^>]*>)")


def page_paths():
    """Every page the sitemap lists, in Swedish and English, in the sitemap's order (a
    dict keeps it: 110 000 addresses are not searched in a list)."""
    paths = {}
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        for item in sitemap.items():
            for language in ("sv", "en"):
                with translation.override(language):
                    paths[sitemap.location(item)] = None
    return list(paths)


def file_for(path):
    """Where the copy keeps an address: a page (ending in /) as its index.html."""
    relative = path.lstrip("/")
    return relative + "index.html" if path.endswith("/") else relative


class SiteCopy:
    def __init__(self, base_url, root, warc):
        self.base_url = base_url.rstrip("/")
        self.root = Path(root)
        self.warc = warc
        self.pages = set(page_paths())
        self.saved, self.refused = set(), set()
        self.pending = []

    def live(self, url):
        return self.base_url + url

    def capture(self, path):
        """Fetches `path` as served, writes it to the WARC; returns the response."""
        from warcio.statusandheaders import StatusAndHeaders

        response = render_as_served(self.live(path))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = StatusAndHeaders(
            f"{response.status_code} {response.reason_phrase}",
            list(response.items()),
            protocol="HTTP/1.1",
        )
        record = self.warc.create_warc_record(
            self.live(path), "response", payload=io.BytesIO(body), http_headers=headers
        )
        self.warc.write_record(record)
        return response, body

    def local(self, url, current, page):
        """The relative address of `url` from the file `current` (the copy of `page`), or
        the live address when the copy does not hold it (anything with parameters)."""
        if url.startswith("?"):
            return self.live(page + url)
        path, hash_mark, fragment = url.partition("#")
        if "?" in path or not path.startswith("/"):
            return self.live(url)
        if path.startswith(staticfiles_prefix()):
            if not self.copy_static(path):
                return self.live(url)
        elif path not in self.pages:
            if not self.fetch_resource(path):
                return self.live(url)
        target = self.root / file_for(path)
        relative = os.path.relpath(target, start=(self.root / current).parent)
        return relative + hash_mark + fragment

    def copy_static(self, path):
        name = path[len(staticfiles_prefix()) :]
        if path in self.saved:
            return True
        source = None
        try:
            candidate = staticfiles_storage.path(name)
            source = candidate if os.path.exists(candidate) else None
        except NotImplementedError:
            source = None
        source = source or finders.find(name)
        if not source:
            return False
        target = self.root / file_for(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        self.saved.add(path)
        return True

    def fetch_resource(self, path):
        """An address outside the sitemap without parameters (the map's shapes): kept
        when it answers 200 with something other than a page."""
        if path in self.saved:
            return True
        if path in self.refused or path.endswith("/") or path.startswith(("/admin", "/api/")):
            return False
        response, body = self.capture(path)
        if response.status_code != 200 or "text/html" in response.get("Content-Type", ""):
            self.refused.add(path)  # captured once, as answered (a 404 for no record)
            return False
        target = self.root / file_for(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.saved.add(path)
        return True

    def save_page(self, path):
        response, body = self.capture(path)
        if response.status_code != 200:
            raise ValueError(
                f"{path} answered {response.status_code}, so the archive was not made: a "
                "copy without that page would not be whole (is the site as served working, "
                "its static files collected?)."
            )
        current = file_for(path)
        language = "en" if path.startswith("/en/") else "sv"
        with translation.override(language):
            note = _("Searching and filtering need the live site: %(address)s") % {
                "address": self.base_url
            }
        html = body.decode("utf-8")
        html = LINK.sub(
            lambda m: f'{m.group("attr")}="{self.local(m.group("url"), current, path)}"', html
        )
        html = FORM.sub(lambda m: m.group(1) + f'<p class="archive-note">{note}</p>', html)
        target = self.root / current
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def staticfiles_prefix():
    from django.conf import settings

    return "/" + settings.STATIC_URL.lstrip("/")


def make_archive(directory, base_url):
    """Writes the bag into `directory` (which must not exist or be empty); returns
    {"release": name, "pages": count, "files": count}; leaves the folder empty when a page
    fails."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty.")
    try:
        return write_bag(directory, base_url)
    except BaseException:
        for entry in directory.iterdir():  # nothing half-written stays
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        raise


def write_bag(directory, base_url):
    import bagit
    from django.conf import settings
    from django.core.files.storage import storages
    from warcio.warcwriter import WARCWriter

    name = make_release(base_url)
    storage = storages["releases"]
    release_dir = directory / "release" / name
    release_dir.mkdir(parents=True)
    for filename in storage.listdir(name)[1]:
        with storage.open(f"{name}/{filename}", "rb") as source:
            with open(release_dir / filename, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
    pages = 0
    with open(directory / "register.warc.gz", "wb") as handle:
        copy = SiteCopy(base_url, directory / "site", WARCWriter(handle, gzip=True))
        for path in sorted(copy.pages):
            copy.save_page(path)
            pages += 1
    bagit.make_bag(
        str(directory),
        {
            "Source-Organization": settings.OPEN_DATA_PUBLISHER,
            "External-Description": "The international-cooperation register: a dated "
            f"release of its data ({name}), a static copy of its public pages and a WARC file.",
            "External-Identifier": base_url,
        },
        checksums=["sha256", "sha512"],
    )
    files = sum(1 for p in (directory / "data").rglob("*") if p.is_file())
    return {"release": name, "pages": pages, "files": files}
