"""PDFs of pages, drawn on the server by WeasyPrint from a print template (README, "PDF").

A view that renders a template gets its PDF by putting PdfMixin before it: the same
context, a template of its own without navigation (templates/pdf_base.html), and a tagged
PDF/UA-1 document in the page's language (the template's <html lang> and <title>).
WeasyPrint reads only what local_fetcher gives it: the site's static files and uploaded
images from their storages, never anything over the network. Nothing here knows a model."""

import functools
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Tags, Warning, register
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from core.throttle import limit_streams

PDF_VARIANT = "pdf/ua-1"


def _url_path(setting):
    """The path part of STATIC_URL or MEDIA_URL, with its slashes: "/static/"."""
    path = urlsplit(str(setting)).path
    return "/" + path.strip("/") + "/"


@functools.cache
def _fetcher_class():
    # WeasyPrint is imported when a PDF is first made, not when the site starts: a
    # machine without Pango serves every page but the PDFs.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _LocalFetcher(URLFetcher):
        def __init__(self, base_url):
            super().__init__(allowed_protocols=("http", "https"))
            self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))

        def fetch(self, url, headers=None):
            """The file of a static or media address on this site; ValueError (which
            WeasyPrint reports and skips) for anything else."""
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                raise ValueError(f"not fetched, outside the site: {url[:200]}")
            path = posixpath.normpath(unquote(parts.path))
            for prefix, opener in (
                (_url_path(settings.STATIC_URL), _open_static),
                (_url_path(settings.MEDIA_URL), _open_media),
            ):
                if path.startswith(prefix):
                    name = path[len(prefix) :]
                    if not name or name.startswith(("/", "..")) or "/../" in f"/{name}/":
                        break
                    body = opener(name)
                    if body is None:
                        break
                    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": content_type})
            raise ValueError(f"not fetched, no static or media file: {url[:200]}")

    return _LocalFetcher


def _open_static(name):
    if staticfiles_storage.exists(name):
        return staticfiles_storage.open(name).read()
    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    return None


def _open_media(name):
    if default_storage.exists(name):
        with default_storage.open(name) as handle:
            return handle.read()
    return None


def local_fetcher(base_url):
    """WeasyPrint's URL fetcher for a document whose addresses are on `base_url`'s site."""
    return _fetcher_class()(base_url)


def render_pdf(html, base_url):
    """The PDF of an HTML document (tagged, PDF/UA-1), its relative links made absolute
    against `base_url`."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=local_fetcher(base_url))
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def pdf_response(request, html, filename_stem):
    """A PDF response of `html`: shown in the browser, saved as <stem>-<date>.pdf, and
    kept out of search engines' results (the page itself is indexed)."""
    base_url = request.build_absolute_uri("/")
    response = HttpResponse(render_pdf(html, base_url), content_type="application/pdf")
    filename = f"{filename_stem}-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


class PdfMixin:
    """Put before a view that renders a template (a TemplateView, a DetailView): the same
    context rendered with `pdf_template_name` as a PDF. The template gets `generated`
    (now), `page_url` (the whole address of the page the PDF prints) and `licence`."""

    pdf_template_name = None
    # The page this PDF prints is at the PDF's address less this ending.
    pdf_suffix = "pdf/"

    @classmethod
    def as_view(cls, **initkwargs):
        # A PDF takes about a second of a worker: the limits of whole-file downloads
        # apply (core.throttle), so a client looping on PDFs cannot starve the pages.
        return limit_streams(super().as_view(**initkwargs))

    def pdf_filename_stem(self):
        return "register"

    def page_address(self):
        """The address of the page the PDF prints, with the query string."""
        path = self.request.path.removesuffix(self.pdf_suffix)
        query = self.request.META.get("QUERY_STRING", "")
        return self.request.build_absolute_uri(path + (f"?{query}" if query else ""))

    def moved_to(self, record):
        """A renamed record's PDF moves to the PDF at its new address."""
        return super().moved_to(record) + self.pdf_suffix

    def render_to_response(self, context, **response_kwargs):
        context.update(
            generated=timezone.localtime(),
            page_url=self.page_address(),
            licence=settings.OPEN_DATA_LICENSE,
        )
        html = render_to_string(self.pdf_template_name, context, request=self.request)
        return pdf_response(self.request, html, self.pdf_filename_stem())


@register(Tags.compatibility, deploy=True)
def pdf_engine(app_configs=None, **kwargs):
    """`check --deploy` warns when WeasyPrint cannot load Pango: every page but the PDFs
    would be served."""
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as error:  # cffi reports missing libraries as OSError
        return [
            Warning(
                f"WeasyPrint cannot make the PDFs: {str(error)[:200]}",
                hint="Install Pango and a font: scripts/system-deps does (Debian).",
                id="core.W001",
            )
        ]
    return []
