"""The DCAT-AP-SE catalogue passes the DCAT-AP 3.0.1 SHACL shapes (opendata/standards/,
README there) with pyshacl, without the network, on the seed data and with releases;
and what Sweden's data portal harvests needs besides: one data service for the JSON
API, a contact point with an address, media types as IANA addresses (issue #22)."""

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib import namespace as ns

from tests.conftest import describable_partnership, describable_project
from tests.test_opendata import STANDARDS
from tests.test_releases import release, releases  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

SH = Namespace("http://www.w3.org/ns/shacl#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


def shapes():
    """dcat-ap-SHACL.ttl with the two property shapes it names that only ranges.ttl
    defines (the README of opendata/standards/ says why not ranges.ttl whole)."""
    graph = Graph().parse(STANDARDS / "dcat-ap-3.0.1-shacl.ttl")
    ranges = Graph().parse(STANDARDS / "dcat-ap-3.0.1-ranges.ttl")
    defined = set(graph.subjects(SH.path, None))
    for shape in set(graph.objects(None, SH.property)) - defined:
        for triple in ranges.triples((shape, None, None)):
            graph.add(triple)
    return graph


def violations(data):
    """[(focus node, path, message)] of every SHACL Violation in the RDF/XML `data`."""
    from pyshacl import validate

    graph = Graph().parse(data=data, format="xml")
    _conforms, report, _text = validate(graph, shacl_graph=shapes())
    return sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)), str(m))
        for r in report.subjects(SH.resultSeverity, SH.Violation)
        for m in report.objects(r, SH.resultMessage)
    )


def catalogue(client):
    response = client.get("/oppna-data/katalog.rdf")
    assert response.status_code == 200
    return response.content


def test_the_catalogue_conforms_to_dcat_ap(client, seeded):
    assert violations(catalogue(client)) == []


def test_the_catalogue_with_releases_and_the_released_copy_conform(client, releases):  # noqa: F811
    release(releases)
    second = release(releases)
    assert violations(catalogue(client)) == []
    assert violations((second / "dcat.rdf").read_bytes()) == []


@pytest.fixture
def describable(seeded):
    """A project and a partnership every standard file describes (on the seeds alone the
    files would be empty, and the catalogue leaves them out)."""
    describable_project("p")
    describable_partnership("q")


def test_the_catalogue_with_every_file_conforms_to_dcat_ap(client, describable):
    assert violations(catalogue(client)) == []


def test_the_json_api_is_one_data_service_that_serves_every_dataset(client, describable):
    graph = Graph().parse(data=catalogue(client), format="xml")
    (service,) = graph.subjects(ns.RDF.type, ns.DCAT.DataService)
    assert graph.value(service, ns.DCAT.endpointURL) == URIRef("http://testserver/api/v1/")
    assert graph.value(service, ns.DCAT.endpointDescription) == URIRef(
        "http://testserver/api/v1/openapi.json"
    )
    (catalog,) = graph.subjects(ns.RDF.type, ns.DCAT.Catalog)
    assert (catalog, ns.DCAT.service, service) in graph
    datasets = set(graph.objects(catalog, ns.DCAT.dataset)) - set(
        graph.subjects(ns.RDF.type, URIRef("http://www.w3.org/ns/dcat#DatasetSeries"))
    )
    assert set(graph.objects(service, ns.DCAT.servesDataset)) == datasets
    for distribution in graph.subjects(ns.DCAT.accessService, service):
        assert graph.value(distribution, ns.DCAT.downloadURL) is None
        assert "/api/v1/" in str(graph.value(distribution, ns.DCAT.accessURL))
    whole_files = {str(d) for d in graph.objects(None, ns.DCAT.downloadURL)}
    assert {a for a in whole_files if a.endswith(("bidrag.json", "iati.xml"))} == {
        "http://testserver/partnerskap/bidrag.json",
        "http://testserver/partnerskap/iati.xml",
        "http://testserver/projekt/iati.xml",
    }


def test_media_types_and_licences_are_addresses_the_portal_knows(client, describable):
    graph = Graph().parse(data=catalogue(client), format="xml")
    media_types = set(graph.objects(None, ns.DCAT.mediaType))
    assert media_types == {
        URIRef("http://www.iana.org/assignments/media-types/application/json"),
        URIRef("http://www.iana.org/assignments/media-types/application/xml"),
        URIRef("http://www.iana.org/assignments/media-types/application/zip"),
    }
    for media_type in media_types:
        assert (media_type, ns.RDF.type, ns.DCTERMS.MediaType) in graph
    assert set(graph.objects(None, ns.DCTERMS.license)) == {
        URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    }


def test_the_contact_point_is_an_address_with_the_configured_email(client, seeded, settings):
    settings.OPEN_DATA_CONTACT_EMAIL = "oppnadata@example.org"
    graph = Graph().parse(data=catalogue(client), format="xml")
    (contact,) = set(graph.objects(None, ns.DCAT.contactPoint))
    assert contact == URIRef("http://testserver/oppna-data/#kontakt")
    assert (contact, ns.RDF.type, VCARD.Organization) in graph
    assert graph.value(contact, VCARD.fn) is not None
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:oppnadata@example.org")


def test_without_an_email_the_contact_point_has_none(client, seeded, settings):
    settings.OPEN_DATA_CONTACT_EMAIL = ""
    graph = Graph().parse(data=catalogue(client), format="xml")
    assert graph.value(None, VCARD.hasEmail) is None
    assert violations(catalogue(client)) == []


def test_the_publisher_has_a_type_and_its_organisation_number(client, seeded):
    from reference.models import Organisation

    Organisation.objects.filter(slug="skr").update(org_number="1234567890")
    graph = Graph().parse(data=catalogue(client), format="xml")
    (catalog,) = graph.subjects(ns.RDF.type, ns.DCAT.Catalog)
    publisher = graph.value(catalog, ns.DCTERMS.publisher)
    assert graph.value(publisher, ns.DCTERMS.type) == URIRef(
        "http://purl.org/adms/publishertype/NonProfitOrganisation"
    )
    assert str(graph.value(publisher, ns.DCTERMS.identifier)) == "123456-7890"


def test_check_deploy_warns_without_a_contact_email(settings):
    from django.core import checks

    settings.DEBUG = False
    settings.OPEN_DATA_CONTACT_EMAIL = ""
    found = checks.run_checks(include_deployment_checks=True, tags=["opendata"])
    assert [m.id for m in found] == ["opendata.W001"]
    settings.OPEN_DATA_CONTACT_EMAIL = "oppnadata@example.org"
    assert checks.run_checks(include_deployment_checks=True, tags=["opendata"]) == []
    assert "opendata.W001" not in {m.id for m in checks.run_checks()}  # only with --deploy
