"""Report an error, and the public log of corrections (issue: reach beyond the register,
point 2): every public record page links to a form; a report is kept for editors in the
admin, never shown to the public; the reporter's e-mail address is erased when the report
is closed or after ERROR_REPORT_EMAIL_DAYS; a report closed as corrected puts what changed
in the record (from its history), when and why on the record's page and on /rattelser/."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Publication
from core.roles import ADMINISTRATORS
from corrections.models import ErrorReport, Status
from partnerships.models import GrantRound
from reference.models import Organisation, Programme
from tests.conftest import admin_form_data, english, make_partnership, make_project, make_user

REPORT = "/rapportera-fel/"


@pytest.fixture
def project(db):
    return make_project("vatten-i-kisumu", title_sv="Vatten i Kisumu", countries=["KE"])


def report_address(record_path):
    return f"{REPORT}?url={record_path}"


def send(client, record_path, **fields):
    data = {"description": "Projektet startade 2017, inte 2016.", "source": "", "email": ""}
    data.update(fields)
    return client.post(report_address(record_path), data)


@pytest.mark.django_db
def test_every_public_record_page_links_to_its_report_form(client, seeded, project):
    partnership = make_partnership("borlange-nakuru")
    programme = Programme.objects.published().first()
    grant_round = GrantRound.objects.public().first()
    organisation = Organisation.objects.published().get(slug="icld")
    for record in (project, partnership, programme, grant_round, organisation):
        with translation.override("sv"):
            path = record.get_absolute_url()
        for address in (path, english(path)):
            page = client.get(address).content.decode()
            assert "?url=" + address in page, address
            assert ("Rapportera ett fel" if address == path else "Report an error") in page


@pytest.mark.django_db
def test_a_draft_has_no_report_form(client, editor):
    draft = make_project("utkast", publication=Publication.DRAFT)
    client.force_login(editor)
    assert "?url=" not in client.get(draft.get_absolute_url()).content.decode()
    client.logout()
    assert client.get(report_address(draft.get_absolute_url())).status_code == 404
    assert send(client, draft.get_absolute_url()).status_code == 404
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_the_form_names_the_record_and_says_how_the_address_is_kept(client, project):
    page = client.get(report_address("/projekt/vatten-i-kisumu/"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vatten i Kisumu" in text
    assert "raderas" in text  # what happens to the e-mail address (GDPR)
    assert 'name="website"' in text  # the honeypot, hidden from people
    english_page = client.get(english(report_address("/en/projects/vatten-i-kisumu/")))
    assert "deleted" in english_page.content.decode()


@pytest.mark.django_db
def test_a_report_is_stored_for_editors_and_never_shown_publicly(client, editor, project):
    response = send(
        client,
        "/projekt/vatten-i-kisumu/",
        description="Fel startår.",
        source="https://example.org/beslut.pdf",
        email="lasare@example.org",
    )
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    report = ErrorReport.objects.get()
    assert report.record == project
    assert (report.status, report.email, report.source) == (
        Status.NEW,
        "lasare@example.org",
        "https://example.org/beslut.pdf",
    )
    # Not on any public page: the record, the log of corrections.
    for address in (project.get_absolute_url(), "/rattelser/"):
        text = client.get(address).content.decode()
        assert "Fel startår" not in text and "lasare@example.org" not in text
    # Anonymous users cannot reach the admin's list; an editor can.
    listing = reverse("admin:corrections_errorreport_changelist")
    assert client.get(listing).status_code == 302
    client.force_login(editor)
    page = client.get(listing)
    assert page.status_code == 200 and "Vatten i Kisumu" in page.content.decode()


@pytest.mark.django_db
def test_the_honeypot_rejects_without_storing(client, project):
    response = send(client, "/projekt/vatten-i-kisumu/", website="http://spam.example")
    assert response.status_code == 400
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_the_rate_limit_per_address_rejects_without_storing(client, project, settings):
    settings.ERROR_REPORTS_PER_HOUR = 2
    cache.clear()  # no count of another test's
    assert send(client, "/projekt/vatten-i-kisumu/").status_code == 302
    assert send(client, "/projekt/vatten-i-kisumu/").status_code == 302
    third = send(client, "/projekt/vatten-i-kisumu/")
    assert third.status_code == 429
    assert "timme" in third.content.decode()
    assert ErrorReport.objects.count() == 2
    # Another address may still report.
    other = client.post(
        report_address("/projekt/vatten-i-kisumu/"),
        {"description": "Annat fel."},
        REMOTE_ADDR="192.0.2.7",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_bad_input_gets_a_message_and_stores_nothing(client, project):
    empty = send(client, "/projekt/vatten-i-kisumu/", description="  ")
    assert empty.status_code == 400 and "Detta fält måste fyllas i" in empty.content.decode()
    too_long = send(client, "/projekt/vatten-i-kisumu/", description="x" * 5001)
    assert too_long.status_code == 400 and "4000 tecken" in too_long.content.decode()
    bad_email = send(client, "/projekt/vatten-i-kisumu/", email="inte en adress")
    assert bad_email.status_code == 400
    assert not ErrorReport.objects.exists()
    for address in (
        "/projekt/finns-inte/",
        "/statistik/",
        "http://example.org/projekt/x/",
        "http://[",
        "//evil.example/projekt/vatten-i-kisumu/",
        "",
    ):
        assert client.get(report_address(address)).status_code in (404, 200)
        assert send(client, address).status_code == 404
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_closing_a_report_erases_the_email_address(client, editor, project):
    send(client, "/projekt/vatten-i-kisumu/", email="lasare@example.org")
    report = ErrorReport.objects.get()
    client.force_login(editor)
    change = reverse("admin:corrections_errorreport_change", args=[report.pk])
    data = admin_form_data(client, change)
    data.update(status=Status.REJECTED, explanation_sv="")
    refused = client.post(change, data)
    assert refused.status_code == 200  # a closed report needs its reason
    report.refresh_from_db()
    assert report.email == "lasare@example.org"
    data.update(explanation_sv="Källan säger 2016.")
    assert client.post(change, data).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.email) == (Status.REJECTED, "")
    assert report.closed_at is not None


@pytest.mark.django_db
def test_addresses_are_erased_after_the_retention_time(client, project, settings):
    settings.ERROR_REPORT_EMAIL_DAYS = 30
    send(client, "/projekt/vatten-i-kisumu/", email="gammal@example.org")
    ErrorReport.objects.update(created_at=timezone.now() - timedelta(days=31))
    send(client, "/projekt/vatten-i-kisumu/", email="ny@example.org")
    # A new report erases the expired ones; so does the daily command.
    assert sorted(ErrorReport.objects.values_list("email", flat=True)) == ["", "ny@example.org"]
    ErrorReport.objects.update(created_at=timezone.now() - timedelta(days=31))
    call_command("erase_report_addresses", verbosity=0)
    assert set(ErrorReport.objects.values_list("email", flat=True)) == {""}


@pytest.mark.django_db
def test_staff_may_read_reports_but_not_close_them(client, staff_user, project):
    send(client, "/projekt/vatten-i-kisumu/")
    report = ErrorReport.objects.get()
    client.force_login(staff_user)
    change = reverse("admin:corrections_errorreport_change", args=[report.pk])
    assert client.get(change).status_code == 200
    client.post(change, {"status": Status.REJECTED, "explanation_sv": "Nej."})
    report.refresh_from_db()
    assert report.status == Status.NEW


@pytest.mark.django_db
def test_the_log_shows_what_an_editor_corrected_when_and_why(client, editor, project):
    send(client, "/projekt/vatten-i-kisumu/", description="Namnet är fel.")
    report = ErrorReport.objects.get()
    client.force_login(editor)
    # The editor corrects the record in the admin …
    record_change = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_form_data(client, record_change)
    data["title_sv"] = "Rent vatten i Kisumu"
    assert client.post(record_change, data).status_code == 302
    # … and closes the report as corrected, saying why.
    change = reverse("admin:corrections_errorreport_change", args=[report.pk])
    data = admin_form_data(client, change)
    data.update(
        status=Status.CORRECTED,
        explanation_sv="Titeln rättad efter projektets slutrapport.",
        explanation_en="Title corrected from the project's final report.",
    )
    assert client.post(change, data).status_code == 302
    client.logout()
    for address in (project.get_absolute_url(), "/rattelser/"):
        text = client.get(address).content.decode()
        assert "Titeln rättad efter projektets slutrapport." in text, address
        assert "Vatten i Kisumu" in text and "Rent vatten i Kisumu" in text
        assert "Namnet är fel." not in text  # the reader's words stay with the editors
    english_log = client.get("/en/corrections/").content.decode()
    assert "Title corrected from the project&#x27;s final report." in english_log
    assert ErrorReport.objects.get().email == ""


@pytest.mark.django_db
def test_a_rejected_report_and_a_no_longer_public_record_are_not_in_the_log(
    client, editor, project
):
    other = make_project("avslutat", title_sv="Ett avpublicerat projekt")
    for record, status in ((project, Status.REJECTED), (other, Status.CORRECTED)):
        ErrorReport.objects.create(
            record=record,
            record_title=str(record),
            description="x",
            status=status,
            explanation_sv=f"Förklaring för {record.slug}.",
        )
    assert "Förklaring för avslutat." in client.get("/rattelser/").content.decode()
    other.publication = Publication.UNPUBLISHED
    other.save()
    text = client.get("/rattelser/").content.decode()
    assert "Förklaring för" not in text and "Ett avpublicerat projekt" not in text


@pytest.mark.django_db
def test_the_log_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    def corrected(n):
        for i in range(n):
            record = make_project(f"rattat-{n}-{i}")
            ErrorReport.objects.create(
                record=record,
                record_title=str(record),
                description="x",
                status=Status.CORRECTED,
                explanation_sv="Rättat.",
            )

    corrected(2)
    client.get("/rattelser/")  # content types cached, as in a running site
    with django_assert_num_queries(4) as few:
        client.get("/rattelser/")
    corrected(8)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/rattelser/").content.decode().count("Rättat.") == 10


@pytest.mark.django_db
def test_an_archived_register_takes_no_reports(client, project, settings):
    settings.REGISTER_ARCHIVED_ON = timezone.now().date()
    page = client.get(report_address("/projekt/vatten-i-kisumu/"))
    assert "arkiverat" in page.content.decode()
    assert send(client, "/projekt/vatten-i-kisumu/").status_code == 403
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_administrators_may_delete_reports_and_editors_may_not(client, editor, project):
    ErrorReport.objects.create(record=project, record_title="x", description="x")
    report = ErrorReport.objects.get()
    delete = reverse("admin:corrections_errorreport_delete", args=[report.pk])
    client.force_login(editor)
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(make_user("chief", ADMINISTRATORS))
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ErrorReport.objects.exists()


@pytest.mark.django_db
def test_a_report_rejected_then_corrected_or_reopened_says_what_it_is_now(
    client, editor, project, django_capture_on_commit_callbacks
):
    from core.cache import data_version

    report = ErrorReport.objects.create(record=project, record_title="x", description="x")
    report.status, report.explanation_sv = Status.REJECTED, "Nej."
    report.save()
    rejected_on = report.closed_at
    project.title_sv = "Nytt namn"
    project.save()
    report.status = Status.CORRECTED
    report.save()
    assert report.closed_at > rejected_on
    assert [c["field"] for c in report.changes] == ["title_sv"]
    assert "Nytt namn" in client.get("/rattelser/").content.decode()
    # Reopened: out of the log, on pages cached before too (the data version moves).
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        report.status = Status.IN_PROGRESS
        report.save()
    assert data_version() != before
    assert (report.closed_at, report.changes) == (None, [])
    assert "Nytt namn" not in client.get("/rattelser/").content.decode()
    # A corrected report deleted: the same.
    report.status = Status.CORRECTED
    report.save()
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    assert data_version() != before


@pytest.mark.django_db
def test_an_editor_may_withhold_a_corrections_values(client, editor, project):
    report = ErrorReport.objects.create(
        record=project,
        record_title="x",
        description="x",
        status=Status.CORRECTED,
        explanation_sv="Personuppgift borttagen.",
    )
    ErrorReport.objects.filter(pk=report.pk).update(
        changes=[{"field": "title_sv", "old": "Anna Andersson, 070-123", "new": "Vatten"}]
    )
    assert "070-123" in client.get("/rattelser/").content.decode()
    client.force_login(editor)
    listing = reverse("admin:corrections_errorreport_changelist")
    response = client.post(listing, {"action": "withhold_values", "_selected_action": [report.pk]})
    assert response.status_code == 302
    client.logout()
    text = client.get("/rattelser/").content.decode()
    assert "070-123" not in text and "Personuppgift borttagen." in text and "ändrad" in text
