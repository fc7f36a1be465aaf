"""Editors can work in every admin page, staff can look but not change, strangers log in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Publication
from partnerships.models import Grant, GrantRound, Partnership
from projects.models import Project
from reference.models import Organisation as Municipality
from tests.conftest import admin_form_data, make_municipality, make_partnership, make_project

pytestmark = pytest.mark.django_db

EDITABLE = [
    ("projects", "project"),
    ("partnerships", "partnership"),
    ("partnerships", "grant"),
    ("partnerships", "grantround"),
    ("reference", "organisation"),
    ("reference", "programme"),
    ("reference", "theme"),
    ("reference", "source"),
]
VIEW_ONLY = [("reference", "goal"), ("reference", "country")]


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def sample_objects():
    from reference.models import Country, Goal, Organisation, Programme, Theme

    return [
        Project.objects.first(),
        Partnership.objects.first(),
        Organisation.objects.filter(kind="kommun").first(),
        Grant.objects.first(),
        GrantRound.objects.first(),
        Organisation.objects.first(),
        Programme.objects.first(),
        Theme.objects.first(),
        Goal.objects.first(),
        Country.objects.first(),
    ]


@pytest.fixture
def with_partnership(seeded):
    borlange = Municipality.objects.get(slug="borlange")
    make_partnership(
        "borlange-nakuru", country="KE", participants=[borlange], grants=[(2016, 400_000, 3)]
    )


def test_editor_opens_every_changelist_add_and_change_form(client, editor, with_partnership):
    client.force_login(editor)
    for app, model in EDITABLE + VIEW_ONLY:
        assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200, model
    for app, model in EDITABLE:
        assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200, model
    for obj in sample_objects():
        response = client.get(change_url(obj))
        assert response.status_code == 200, obj


def test_editor_can_add_a_project_and_it_records_who(client, editor, seeded):
    client.force_login(editor)
    url = reverse("admin:projects_project_add")
    data = admin_form_data(client, url)
    data.update(
        title_sv="Nytt projekt",
        slug="nytt-projekt",
        publication="draft",
        stated_status="planned",
        countries=["KE"],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(slug="nytt-projekt")
    assert project.created_by == editor and project.updated_by == editor
    assert not project.is_published


def test_editor_bulk_publishes(client, editor, seeded):
    draft = make_project("utkast", publication=Publication.DRAFT)
    client.force_login(editor)
    client.post(
        reverse("admin:projects_project_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None and draft.updated_by == editor


def test_staff_can_view_but_not_change(client, staff_user, with_partnership):
    client.force_login(staff_user)
    project = Project.objects.first()
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert client.get(change_url(project)).status_code == 200  # read-only view
    assert client.get(reverse("admin:projects_project_add")).status_code == 403
    response = client.post(change_url(project), {"title_sv": "Hacked", "slug": project.slug})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title_sv != "Hacked"


def test_anonymous_is_sent_to_login(client, seeded):
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_groups_exist_after_migrate(db):
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_project", "change_project", "publish_project", "export_data"} <= codenames
    assert "delete_project" not in codenames
    staff = set(Group.objects.get(name="Staff").permissions.values_list("codename", flat=True))
    assert "export_data" in staff and "change_project" not in staff
    assert Group.objects.filter(name="Administrators").exists()


def add_rows(n, offset=0):
    """n more rows of every model whose changelist is checked, with their relations."""
    from partnerships.models import GrantRound
    from reference.models import Programme, Source, Theme

    programme = Programme.objects.create(slug=f"prog-{offset}", name_sv=f"Program {offset}")
    kommun = make_municipality(f"Kommun {n}-{offset}")
    for i in range(n):
        project = make_project(f"proj-{offset}-{i}", countries=["KE", "CO"], programme=programme)
        project.participants.create(organisation=kommun, role="implementing")
        grant_round = GrantRound.objects.create(
            slug=f"round-{offset}-{i}", programme=programme, title_sv=f"Omgång {i}"
        )
        partnership = make_partnership(
            f"part-{offset}-{i}", country="KE", participants=[kommun], grants=[(2016, 300_000, 2)]
        )
        partnership.grants.update(grant_round=grant_round)
        make_municipality(f"Kommun {offset}-{i}")
        Programme.objects.create(slug=f"prog-{offset}-{i}", name_sv=f"Program {offset} {i}")
        Theme.objects.create(slug=f"theme-{offset}-{i}", name_sv=f"Tema {i}")
        Source.objects.create(slug=f"source-{offset}-{i}", title=f"Källa {i}")


@pytest.mark.parametrize("app,model", EDITABLE)
def test_changelists_run_constant_queries(client, editor, app, model):
    """The same number of queries for a page of 5 rows as for a full page out of 500; every
    model checked gets new rows, so a query per row would show."""
    client.force_login(editor)
    url = reverse(f"admin:{app}_{model}_changelist")
    add_rows(5)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    add_rows(100, offset=1)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url)
    assert second.context["cl"].result_count >= first.context["cl"].result_count + 100
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize("app,model", VIEW_ONLY)
def test_reference_changelists_open(client, editor, app, model):
    # Goals and countries are fixed sets (SDG/MDG, ISO 3166): no rows can be added.
    client.force_login(editor)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200


def test_adduser_command_creates_an_editor(db, monkeypatch, client):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    monkeypatch.setenv("NEW_PASSWORD", "a long and unusual passphrase")
    call_command("adduser", "redaktor", "--role", "editor", "--password-from-env", "NEW_PASSWORD")
    user = User.objects.get(username="redaktor")
    assert user.is_staff and user.groups.filter(name="Editors").exists()
    response = client.post(
        "/admin/login/",
        {"username": "redaktor", "password": "a long and unusual passphrase", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:projects_project_add")).status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/projects/project/", "/admin/partnerships/partnership/", "/admin/projects/"]
)
def test_admin_breadcrumbs_do_not_repeat_a_name(admin_client, url):
    """Issue #19 point 8: the projects' breadcrumbs read "Projekt › Projekt"."""
    import re

    html = admin_client.get(url).content.decode()
    trail = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S).group(1)
    names = [re.sub(r"<[^>]+>", "", item).strip() for item in trail.split("</li>")[:-1]]
    assert len(names) >= 2
    assert len(names) == len(set(names)), names
