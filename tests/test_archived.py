"""The archived register (REGISTER_ARCHIVED_ON; issue: the archive of record): every page
says since when it is archived, the public site and its data stay, and every path that
writes is refused with a message, for the most powerful user too."""

from datetime import date

import pytest
from django.core.management import call_command

from core.models import Publication
from core.readonly import RegisterReadOnly
from projects.models import Project
from tests.conftest import admin_form_data, describable_project, english, make_project

pytestmark = pytest.mark.django_db

ARCHIVED = date(2027, 1, 1)


@pytest.fixture
def archived(settings, seeded):
    project = describable_project("vatten")
    settings.REGISTER_ARCHIVED_ON = ARCHIVED
    return project


def test_every_page_says_the_register_is_archived_and_the_public_site_stays(client, archived):
    banners = (("/", "Arkiverat den 1 januari 2027"), ("/en/", "Archived on 1 January 2027"))
    for path, words in banners:
        response = client.get(path)
        assert response.status_code == 200
        assert words in response.content.decode()
    for path in (
        "/projekt/",
        "/projekt/vatten/",
        english("/projekt/vatten/"),
        "/sok/?q=vatten",
        "/api/v1/projects/vatten",
    ):
        assert client.get(path).status_code == 200, path
    data = client.get("/projekt/iati.xml")
    assert data.status_code == 200 and b"<iati-activities" in b"".join(data.streaming_content)


def test_the_admin_shows_records_read_only_and_refuses_a_posted_change(
    admin_client, archived, settings
):
    url = f"/admin/projects/project/{archived.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "arkiverades den 1 januari 2027" in text
    assert 'name="_save"' not in text
    settings.REGISTER_ARCHIVED_ON = None
    data = admin_form_data(admin_client, url)  # the form as it was before the archive
    settings.REGISTER_ARCHIVED_ON = ARCHIVED
    data["title_sv"] = "Ändrad titel"
    response = admin_client.post(url, data)
    assert response.status_code == 403
    archived.refresh_from_db()
    assert archived.title_sv != "Ändrad titel"
    assert admin_client.get("/admin/projects/project/add/").status_code == 403
    delete = admin_client.post(f"/admin/projects/project/{archived.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert Project.objects.filter(pk=archived.pk).exists()


def test_no_bulk_action_runs(admin_client, archived):
    response = admin_client.post(
        "/admin/projects/project/",
        {"action": "unpublish_selected", "_selected_action": [archived.pk]},
    )
    assert response.status_code in (200, 302)
    archived.refresh_from_db()
    assert archived.publication == Publication.PUBLISHED


def test_the_import_is_refused(admin_client, archived):
    from partnerships.models import GrantRound

    grant_round = GrantRound.objects.first()
    response = admin_client.get(f"/admin/partnerships/grantround/{grant_round.pk}/import/")
    assert response.status_code == 403


def test_a_history_revert_is_refused(admin_client, archived, settings):
    settings.REGISTER_ARCHIVED_ON = None
    archived.title_sv = "Andra versionen"
    archived.save()
    first = archived.history.order_by("history_date").first()
    settings.REGISTER_ARCHIVED_ON = ARCHIVED
    url = f"/admin/projects/project/{archived.pk}/history/{first.history_id}/"
    response = admin_client.post(url, {"title_sv": "Vatten"})
    assert response.status_code == 403
    archived.refresh_from_db()
    assert archived.title_sv == "Andra versionen"


def test_writes_from_code_and_commands_are_refused_where_the_data_changes(archived):
    from django.db import transaction

    # Each in a savepoint of its own, as a request's or command's transaction would be.
    with pytest.raises(RegisterReadOnly), transaction.atomic():
        Project.objects.filter(pk=archived.pk).update(title_sv="x")
    with pytest.raises(RegisterReadOnly), transaction.atomic():
        make_project("ny", start_year=2020)
    with pytest.raises(RegisterReadOnly), transaction.atomic():
        call_command("seed", verbosity=0)
    archived.refresh_from_db()
    assert archived.title_sv != "x"


def test_staff_can_still_log_in_and_read(client, archived, editor):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert client.get(f"/admin/projects/project/{archived.pk}/change/").status_code == 200
    refused = client.post(f"/admin/projects/project/{archived.pk}/change/", {"title_sv": "x"})
    assert refused.status_code == 403
    assert "arkiverat" in refused.content.decode().lower()
