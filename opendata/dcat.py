"""The register's data catalogue in DCAT-AP-SE (RDF/XML, built with rdflib), for Sweden's
data portal: four datasets (projects; partnerships and grants; Swedish municipalities
and regions; the whole register as CSV tables), each with a distribution per public
format, and the JSON API as one data service that serves them. Titles and descriptions
in Swedish and English; the licence is OPEN_DATA_LICENSE; the publisher is the
organisation OPEN_DATA_PUBLISHER (SKR); the contact point is the open-data page, with
OPEN_DATA_CONTACT_EMAIL when it is set (no address is guessed; `check --deploy` warns
when it is unset, opendata/checks.py).

It passes the DCAT-AP 3.0.1 SHACL shapes (opendata/standards/, tests/test_dcat_shacl.py).
Those check the class of every value in the catalogue itself, so each resource named
from a vocabulary (EU themes, file types, frequency, languages; IANA media types; the
licence; the ADMS publisher type) is typed here, with the label a concept needs."""

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from reference.models import Organisation, OrganisationKind

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
# DCAT 3 terms (dataset series, versions) by name, whatever rdflib's DCAT lists.
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FORMAT = "http://publications.europa.eu/resource/authority/file-type/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
IANA_MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"

# (key, title sv, title en, description sv, description en, keywords, distributions)
# A distribution: (title, URL name, media type, EU file type). One of the JSON API
# (api-v1:…) is reached through the data service; the others are whole files.
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
            ("JSON API", "api-v1:projects", "application/json", "JSON"),
            ("IATI 2.03 XML", "data-projects-iati", "application/xml", "XML"),
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
            ("JSON API", "api-v1:partnerships", "application/json", "JSON"),
            ("JSON API, grants", "api-v1:grants", "application/json", "JSON"),
            ("360Giving JSON", "data-grants-360giving", "application/json", "JSON"),
            ("IATI 2.03 XML", "data-partnerships-iati", "application/xml", "XML"),
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
        [("JSON API", "api-v1:municipalities", "application/json", "JSON")],
    ),
    (
        "registret",
        "Hela registret som tabeller",
        "The whole register as tables",
        "Allt publicerat i registret som CSV-tabeller i ett Frictionless-datapaket: projekt, "
        "partnerskap, bidrag, deltagare, budgetar, organisationer med tidigare namn, program, "
        "bidragsomgångar, källor, globala mål, länder och teman, med kolumnernas typer och "
        "nycklar i datapackage.json.",
        "Everything published in the register as CSV tables in a Frictionless data package: "
        "projects, partnerships, grants, participants, budgets, organisations with former "
        "names, programmes, grant rounds, sources, global goals, countries and themes, with "
        "the columns' types and keys in datapackage.json.",
        ["utvecklingssamarbete", "kommunala partnerskap", "CSV", "Frictionless"],
        [
            (
                "CSV tables, Frictionless data package (ZIP)",
                "data-full-download",
                "application/zip",
                "ZIP",
            )
        ],
    ),
]
# The EU data themes with their labels in the EU vocabulary.
THEMES = {
    "GOVE": {"sv": "Regeringen och den offentliga sektorn", "en": "Government and public sector"},
    "INTR": {"sv": "Internationella frågor", "en": "International issues"},
    "REGI": {"sv": "Regioner och städer", "en": "Regions and cities"},
}
# The ADMS publisher type of the publishing organisation, by its kind: (type, label).
# SKR is an association ("ideell förening") whose members are the municipalities and
# regions: it is neither a local nor a national authority itself, so it is a
# non-profit organisation; a municipality or region publishing the register would be a
# local or regional authority. Kinds not listed get no type rather than a wrong one.
PUBLISHER_TYPES = {
    OrganisationKind.ASSOCIATION: ("NonProfitOrganisation", "Non-Profit Organisation"),
    OrganisationKind.NONPROFIT: ("NonProfitOrganisation", "Non-Profit Organisation"),
    OrganisationKind.MUNICIPALITY: ("LocalAuthority", "Local Authority"),
    OrganisationKind.COUNTY_COUNCIL: ("RegionalAuthority", "Regional Authority"),
    OrganisationKind.REGION: ("RegionalAuthority", "Regional Authority"),
    OrganisationKind.AGENCY: ("NationalAuthority", "National Authority"),
    OrganisationKind.COMPANY: ("Company", "Company"),
}


def describe(graph, subject, rdf_type, titles, descriptions):
    """`subject` as an `rdf_type` with titles and descriptions, each {language: text}."""
    graph.add((subject, RDF.type, rdf_type))
    for language, text in titles.items():
        graph.add((subject, DCTERMS.title, Literal(text, lang=language)))
    for language, text in descriptions.items():
        graph.add((subject, DCTERMS.description, Literal(text, lang=language)))


def typed(graph, address, rdf_type):
    """The resource at `address` (a vocabulary's term, a page) as an `rdf_type`."""
    resource = URIRef(address)
    graph.add((resource, RDF.type, rdf_type))
    return resource


def concept(graph, address, labels):
    """A SKOS concept of a vocabulary, with its labels {language: text}."""
    resource = typed(graph, address, SKOS.Concept)
    for language, text in labels.items():
        graph.add((resource, SKOS.prefLabel, Literal(text, lang=language)))
    return resource


def licence_document(graph):
    """OPEN_DATA_LICENSE as a licence document; Creative Commons addresses in the http://
    form of the licence lists of the EU and of Sweden's data portal."""
    address = settings.OPEN_DATA_LICENSE
    if address.startswith("https://creativecommons.org/"):
        address = "http://" + address.removeprefix("https://")
    return typed(graph, address, DCTERMS.LicenseDocument)


def add_publisher(graph, base):
    """The publishing organisation as an agent: name, ADMS publisher type (by its kind,
    PUBLISHER_TYPES) and organisation number where the register records them."""
    org = Organisation.objects.published().filter(slug=settings.OPEN_DATA_PUBLISHER).first()
    publisher = URIRef(base + "#publisher")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(org.name_sv if org else "SKR", lang="sv")))
    if org and org.name_en:
        graph.add((publisher, FOAF.name, Literal(org.name_en, lang="en")))
    if org and org.kind in PUBLISHER_TYPES:
        code, label = PUBLISHER_TYPES[org.kind]
        kind = concept(graph, ADMS_PUBLISHER_TYPE + code, {"en": label})
        graph.add((kind, SKOS.inScheme, URIRef(ADMS_PUBLISHER_TYPE + "1.0")))
        graph.add((publisher, DCTERMS.type, kind))
    if org and org.org_number:
        number = f"{org.org_number[:6]}-{org.org_number[6:]}"
        graph.add((publisher, DCTERMS.identifier, Literal(number)))
    return publisher, org


def add_contact(graph, page, org):
    """The contact point: an organisation with an address (the harvester of Sweden's data
    portal refuses a blank node), the open-data page, and OPEN_DATA_CONTACT_EMAIL."""
    contact = URIRef(page + "#kontakt")
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, RDF.type, VCARD.Kind))  # the class DCAT-AP's shapes ask for
    graph.add((contact, VCARD.fn, Literal(org.name_sv if org else "SKR", lang="sv")))
    graph.add((contact, VCARD.hasURL, URIRef(page)))
    if settings.OPEN_DATA_CONTACT_EMAIL:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}")))
    return contact


def add_distribution(graph, dataset, distribution, title, address, media_type, file_type):
    """A distribution of `dataset` at `address` with its media type (IANA) and file type
    (EU); its licence and its way of access are the caller's."""
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal(title, lang="en")))
    graph.add((distribution, DCAT.accessURL, URIRef(address)))
    media = typed(graph, IANA_MEDIA_TYPE + media_type, DCTERMS.MediaType)
    graph.add((distribution, DCAT.mediaType, media))
    file_format = typed(graph, EU_FORMAT + file_type, DCTERMS.MediaTypeOrExtent)
    graph.add((distribution, DCTERMS.format, file_format))


def add_service(graph, request, publisher, contact, licence, landing_page):
    """The JSON API as one data service: its root, its OpenAPI document, who publishes it
    and under which licence (the datasets it serves are added with them)."""
    absolute = request.build_absolute_uri
    base = absolute("/")
    service = URIRef(base + "oppna-data/katalog.rdf#api")
    describe(
        graph,
        service,
        DCAT.DataService,
        {"sv": "Registrets JSON-API", "en": "The register's JSON API"},
        {
            "sv": "Projekt, partnerskap, bidrag och kommuner som JSON, med samma filter "
            "som sidorna; beskrivet i OpenAPI.",
            "en": "Projects, partnerships, grants and municipalities as JSON, with the same "
            "filters as the pages; described in OpenAPI.",
        },
    )
    # Every IRI is an rdfs:Resource, but DCAT-AP's shapes look for the triple.
    endpoint = typed(graph, absolute(reverse("api-index")), RDFS.Resource)
    openapi = typed(graph, absolute(reverse("api-v1:openapi-json")), RDFS.Resource)
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.endpointDescription, openapi))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCAT.contactPoint, contact))
    graph.add((service, DCTERMS.license, licence))
    graph.add((service, DCAT.landingPage, landing_page))
    return service


def catalogue(request, empty=()):
    """The catalogue as an rdflib Graph; `empty` names the whole files that would describe
    no record (opendata.views.empty_files), which are left out."""
    absolute = request.build_absolute_uri
    base = absolute("/")
    page = absolute(reverse("opendata:page"))
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
        ("vcard", VCARD),
    ):
        graph.bind(prefix, namespace)

    publisher, org = add_publisher(graph, base)
    contact = add_contact(graph, page, org)
    licence = licence_document(graph)
    landing_page = typed(graph, page, FOAF.Document)
    themes = [concept(graph, EU_THEME + code, labels) for code, labels in THEMES.items()]
    frequency = typed(graph, EU_FREQUENCY, DCTERMS.Frequency)

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
    graph.add((catalog, FOAF.homepage, typed(graph, base, FOAF.Document)))
    for code in ("SWE", "ENG"):
        graph.add(
            (catalog, DCTERMS.language, typed(graph, EU_LANGUAGE + code, DCTERMS.LinguisticSystem))
        )

    service = add_service(graph, request, publisher, contact, licence, landing_page)
    graph.add((catalog, DCAT.service, service))

    for key, title_sv, title_en, text_sv, text_en, keywords, distributions in DATASETS:
        dataset = URIRef(f"{base}oppna-data/katalog.rdf#{key}")
        graph.add((catalog, DCAT.dataset, dataset))
        graph.add((service, DCAT.servesDataset, dataset))
        describe(
            graph,
            dataset,
            DCAT.Dataset,
            {"sv": title_sv, "en": title_en},
            {"sv": text_sv, "en": text_en},
        )
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((dataset, DCAT.landingPage, landing_page))
        graph.add((dataset, DCTERMS.accrualPeriodicity, frequency))
        for theme in themes:
            graph.add((dataset, DCAT.theme, theme))
        for keyword in keywords:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))
        for index, (title, name, media_type, file_type) in enumerate(distributions):
            if name in empty:
                continue
            distribution = URIRef(f"{base}oppna-data/katalog.rdf#{key}-{index}")
            address = absolute(reverse(name))
            add_distribution(graph, dataset, distribution, title, address, media_type, file_type)
            graph.add((distribution, DCTERMS.license, licence))
            if name.startswith("api-v1:"):  # paged: reached through the service
                graph.add((distribution, DCAT.accessService, service))
            else:  # a whole file
                graph.add((distribution, DCAT.downloadURL, URIRef(address)))
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
    graph.add((series, RDF.type, DCAT.Dataset))  # what DCAT-AP's shapes ask of dcat:dataset
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
        add_distribution(
            graph,
            dataset,
            distribution,
            "Frictionless data package",
            distribution,
            "application/json",
            "JSON",
        )
        graph.add((distribution, DCAT.downloadURL, distribution))
        graph.add((distribution, DCTERMS.license, licence))
        graph.add(
            (
                distribution,
                DCAT.byteSize,
                Literal(release["package_size"], datatype=XSD.nonNegativeInteger),
            )
        )
        checksum = BNode()
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        sha256 = typed(graph, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
        graph.add((checksum, SPDX.algorithm, sha256))
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
