"""schema.org Dataset descriptions of the open data, as JSON-LD for the open-data page
(what dataset search engines read): the datasets of the DCAT catalogue (opendata/dcat.py,
the same titles, descriptions and keywords), each with its whole files as downloads.

The JSON-LD is a data block (`<script type="application/ld+json">`), which a browser
never executes, so the site's CSP (script-src 'self') allows it; it is escaped as
Django's json_script escapes (no `<`, `>` or `&` in it), so no text in the data can end
the block."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from opendata.dcat import DATASETS

ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_data(data):
    """`data` as JSON that is safe inside a <script> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=1).translate(ESCAPES))


def downloads(dataset_distributions, absolute, empty=()):
    """The whole files of a dataset (not the paged API) as schema.org DataDownloads."""
    return [
        {
            "@type": "DataDownload",
            "name": title,
            "encodingFormat": media_type,
            "contentUrl": absolute(reverse(name)),
        }
        for title, name, media_type, _file_type in dataset_distributions
        if not name.startswith("api-v1:") and name not in empty
    ]


def datasets(request, org, empty=()):
    """{"@context", "@graph": [Dataset]} of the datasets in the page's language; `org` is
    the publishing organisation (OPEN_DATA_PUBLISHER) or None; `empty` names the whole
    files that would describe no record (left out)."""
    absolute = request.build_absolute_uri
    english = get_language() == "en"
    if org is not None:
        name = (org.name_en or org.name_sv) if english else org.name_sv
        publisher = {"@type": "Organization", "name": name, "url": absolute(org.get_absolute_url())}
    else:
        publisher = {"@type": "Organization", "name": settings.OPEN_DATA_PUBLISHER}
    graph = []
    for key, title_sv, title_en, text_sv, text_en, keywords, distributions in DATASETS:
        dataset = {
            "@type": "Dataset",
            "@id": absolute(reverse("data-catalogue")) + "#" + key,
            "name": title_en if english else title_sv,
            "description": text_en if english else text_sv,
            "url": absolute(request.path),
            "license": settings.OPEN_DATA_LICENSE,
            "isAccessibleForFree": True,
            "inLanguage": ["sv", "en"],
            "keywords": keywords,
            "creator": publisher,
            "publisher": publisher,
            "includedInDataCatalog": {
                "@type": "DataCatalog",
                "name": "International cooperation" if english else "Internationella samarbeten",
                "url": absolute(reverse("data-catalogue")),
            },
        }
        files = downloads(distributions, absolute, empty)
        if files:
            dataset["distribution"] = files
        graph.append(dataset)
    return {"@context": "https://schema.org", "@graph": graph}
