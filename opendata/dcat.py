"""The register's data catalogue in DCAT-AP-SE (RDF/XML, built with rdflib), for Sweden's
data portal: three datasets (projects; partnerships and grants; Swedish municipalities
and regions), each with a distribution per public format. Titles and descriptions in
Swedish and English; the licence is OPEN_DATA_LICENSE; the publisher is the organisation
OPEN_DATA_PUBLISHER (SKR); the contact point is the open-data page, with
OPEN_DATA_CONTACT_EMAIL when it is set (no address is guessed)."""

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from reference.models import Organisation

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
# DCAT 3 terms (dataset series, versions) by name, whatever rdflib's DCAT lists.
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FORMAT = "http://publications.europa.eu/resource/authority/file-type/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

# (key, title sv, title en, description sv, description en, keywords, distributions)
# A distribution: (title, address name or path, media type, EU file type).
DATASETS = [
    (
        "projekt",
        "Internationella projekt",
        "International projects",
        "SALAR Internationals projekt i utvecklingssamarbete: länder, globala mål, "
        "teman, deltagare, perioder och budget.",
        "SALAR International's development cooperation projects: countries, global goals, "
        "themes, participants, periods and budgets.",
        ["utvecklingssamarbete", "kommuner", "Agenda 2030", "SALAR International"],
        [
            ("JSON API", "/api/v1/projects", "application/json", "JSON"),
            ("IATI 2.03 XML", "/projekt/iati.xml", "application/xml", "XML"),
        ],
    ),
    (
        "partnerskap",
        "Kommunala partnerskap och bidrag",
        "Municipal partnerships and grants",
        "ICLD:s kommunala partnerskap mellan svenska kommuner och regioner och lokala "
        "myndigheter i andra länder, med bidragen per beslutsomgång.",
        "ICLD's municipal partnerships between Swedish municipalities and regions and local "
        "governments in other countries, with the grants of each round.",
        ["kommunala partnerskap", "ICLD", "bidrag", "lokal demokrati"],
        [
            ("JSON API", "/api/v1/partnerships", "application/json", "JSON"),
            ("JSON API, grants", "/api/v1/grants", "application/json", "JSON"),
            ("360Giving JSON", "/partnerskap/bidrag.json", "application/json", "JSON"),
            ("IATI 2.03 XML", "/partnerskap/iati.xml", "application/xml", "XML"),
        ],
    ),
    (
        "kommuner",
        "Kommuner och regioner i internationellt samarbete",
        "Municipalities and regions in international cooperation",
        "Svenska kommuner, landsting och regioner som deltar i partnerskapen, med "
        "SCB-koder och tidigare namn.",
        "Swedish municipalities, county councils and regions that take part in the "
        "partnerships, with SCB codes and former names.",
        ["kommuner", "regioner", "SCB"],
        [("JSON API", "/api/v1/municipalities", "application/json", "JSON")],
    ),
]
THEMES = ["GOVE", "INTR", "REGI"]  # government, international issues, regions and cities


def describe(graph, subject, rdf_type, titles, descriptions):
    """`subject` as an `rdf_type` with titles and descriptions, each {language: text}."""
    graph.add((subject, RDF.type, rdf_type))
    for language, text in titles.items():
        graph.add((subject, DCTERMS.title, Literal(text, lang=language)))
    for language, text in descriptions.items():
        graph.add((subject, DCTERMS.description, Literal(text, lang=language)))


def catalogue(request):
    """The catalogue as an rdflib Graph."""
    base = request.build_absolute_uri("/")
    page = request.build_absolute_uri(reverse("opendata:page"))
    openapi = request.build_absolute_uri("/api/v1/openapi.json")
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        graph.bind(prefix, namespace)

    org = Organisation.objects.published().filter(slug=settings.OPEN_DATA_PUBLISHER).first()
    publisher = URIRef(base + "#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(org.name_sv if org else "SKR", lang="sv")))
    if org and org.name_en:
        graph.add((publisher, FOAF.name, Literal(org.name_en, lang="en")))

    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(org.name_sv if org else "SKR", lang="sv")))
    graph.add((contact, VCARD.hasURL, URIRef(page)))
    if settings.OPEN_DATA_CONTACT_EMAIL:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}")))

    licence = URIRef(settings.OPEN_DATA_LICENSE)
    catalog = URIRef(base + "oppna-data/katalog.rdf#catalog")
    describe(
        graph,
        catalog,
        DCAT.Catalog,
        {"sv": "Internationella samarbeten", "en": "International cooperation"},
        {
            "sv": "Svenska kommuners och regioners internationella utvecklingssamarbete: "
            "SALAR Internationals projekt och ICLD:s kommunala partnerskap.",
            "en": "The international development cooperation of Swedish municipalities and "
            "regions: SALAR International's projects and ICLD's municipal partnerships.",
        },
    )
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, FOAF.homepage, URIRef(base)))
    for code in ("SWE", "ENG"):
        graph.add((catalog, DCTERMS.language, URIRef(EU_LANGUAGE + code)))

    for key, title_sv, title_en, text_sv, text_en, keywords, distributions in DATASETS:
        dataset = URIRef(f"{base}oppna-data/katalog.rdf#{key}")
        graph.add((catalog, DCAT.dataset, dataset))
        describe(
            graph,
            dataset,
            DCAT.Dataset,
            {"sv": title_sv, "en": title_en},
            {"sv": text_sv, "en": text_en},
        )
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((dataset, DCAT.landingPage, URIRef(page)))
        graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU_FREQUENCY)))
        for theme in THEMES:
            graph.add((dataset, DCAT.theme, URIRef(EU_THEME + theme)))
        for keyword in keywords:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))
        for index, (title, path, media_type, file_type) in enumerate(distributions):
            distribution = URIRef(f"{base}oppna-data/katalog.rdf#{key}-{index}")
            address = URIRef(request.build_absolute_uri(path))
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title, Literal(title, lang="en")))
            graph.add((distribution, DCAT.accessURL, address))
            graph.add((distribution, DCAT.downloadURL, address))
            graph.add((distribution, DCAT.mediaType, Literal(media_type)))
            graph.add((distribution, DCTERMS.format, URIRef(EU_FORMAT + file_type)))
            graph.add((distribution, DCTERMS.license, licence))
            if path.startswith("/api/"):
                graph.add((distribution, DCTERMS.conformsTo, URIRef(openapi)))
    add_releases(graph, request, catalog, publisher, contact, licence)
    graph.add((catalog, DCTERMS.modified, Literal(_today(), datatype=XSD.date)))
    return graph


def add_releases(graph, request, catalog, publisher, contact, licence):
    """The dated releases (opendata/releases.py) as a DCAT 3 dataset series: each release
    a dataset in the series with its version, issue date, the previous release, and its
    data package as the distribution with size and SHA-256 checksum (as DCAT-AP-SE's
    distribution checksum, spdx:Checksum)."""
    from opendata.releases import release_list

    releases = list(reversed(release_list()))  # oldest first
    if not releases:
        return
    base = request.build_absolute_uri("/")
    series = URIRef(f"{base}oppna-data/katalog.rdf#utgavor")
    graph.bind("spdx", SPDX)
    graph.add((catalog, DCAT.dataset, series))
    describe(
        graph,
        series,
        DCAT3.DatasetSeries,
        {"sv": "Utgåvor av registrets öppna data", "en": "Releases of the register's open data"},
        {
            "sv": "Daterade kopior av allt publicerat, som aldrig ändras.",
            "en": "Dated copies of everything published, never changed.",
        },
    )
    graph.add((series, DCTERMS.publisher, publisher))
    graph.add((series, DCAT.contactPoint, contact))
    previous = None
    for release in releases:
        name = release["name"]
        folder = request.build_absolute_uri(f"/oppna-data/utgavor/{name}/")
        dataset = URIRef(folder)
        describe(
            graph,
            dataset,
            DCAT.Dataset,
            {"sv": f"Utgåva {name}", "en": f"Release {name}"},
            {
                "sv": f"Registrets öppna data den {name[:10]}.",
                "en": f"The register's open data on {name[:10]}.",
            },
        )
        graph.add((dataset, DCAT3.inSeries, series))
        graph.add((dataset, DCAT3.version, Literal(name)))
        graph.add((dataset, DCTERMS.issued, Literal(name[:10], datatype=XSD.date)))
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        if previous is not None:
            graph.add((dataset, DCAT3.prev, previous))
        distribution = URIRef(folder + "datapackage.json")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal("Frictionless data package", lang="en")))
        graph.add((distribution, DCAT.accessURL, distribution))
        graph.add((distribution, DCAT.downloadURL, distribution))
        graph.add((distribution, DCAT.mediaType, Literal("application/json")))
        graph.add((distribution, DCTERMS.format, URIRef(EU_FORMAT + "JSON")))
        graph.add((distribution, DCTERMS.license, licence))
        graph.add(
            (distribution, DCAT.byteSize, Literal(release["package_size"], datatype=XSD.decimal))
        )
        checksum = BNode()
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add(
            (
                checksum,
                SPDX.checksumValue,
                Literal(release["sums"]["datapackage.json"], datatype=XSD.hexBinary),
            )
        )
        previous = dataset


def _today():
    from django.utils import timezone

    return timezone.localdate().isoformat()
