"""Permissions are enforced where data changes: the admin's change form, the history
(revert) form and bulk actions. Only users with the publish permission change the
publication state, by any path."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.roles import EDITORS
from projects.models import Project
from tests.conftest import admin_form_data as form_data
from tests.conftest import make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(db):
    return make_project("utkast", title_sv="Utkast", publication="draft")


@pytest.fixture
def editor_without_publish(db):
    user = make_user("redaktor-utan-publicering", EDITORS)
    # The same rights as an editor, less publishing: given one by one, not by group.
    perms = [
        p
        for group in user.groups.all()
        for p in group.permissions.all()
        if not p.codename.startswith("publish_")
    ]
    user.groups.clear()
    user.user_permissions.set(perms)
    return user


def history_url(obj, version):
    return reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )


def test_staff_can_read_a_version_but_cannot_revert_through_the_history_page(
    client, staff_user, editor, draft
):
    # A first version exists; the staff user opens it and posts a changed, published copy.
    version = draft.history.first()
    client.force_login(staff_user)
    url = history_url(draft, version)
    assert client.get(url).status_code == 200
    client.force_login(editor)
    data = form_data(client, url)
    client.force_login(staff_user)
    data.update(title_sv="Kapad titel", publication="published")
    response = client.post(url, data)
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title_sv == "Utkast" and draft.publication == "draft"
    assert not Project.objects.published().filter(pk=draft.pk).exists()


def test_change_form_without_publish_permission_cannot_publish(
    client, editor_without_publish, draft
):
    client.force_login(editor_without_publish)
    url = reverse("admin:projects_project_change", args=[draft.pk])
    data = form_data(client, url)
    data.update(title_sv="Ny titel", publication="published")
    response = client.post(url, data)
    assert response.status_code == 302  # saved, not refused by a form error
    draft.refresh_from_db()
    assert draft.publication == "draft"
    # The rest of the change is allowed.
    assert draft.title_sv == "Ny titel"


def test_new_record_without_publish_permission_is_a_draft(client, editor_without_publish):
    client.force_login(editor_without_publish)
    url = reverse("admin:projects_project_add")
    data = form_data(client, url)
    data.update(title_sv="Nytt projekt", slug="nytt-projekt", publication="published")
    response = client.post(url, data)
    assert response.status_code == 302  # saved, not refused by a form error
    project = Project.objects.get(slug="nytt-projekt")
    assert project.publication == "draft" and project.title_sv == "Nytt projekt"


def test_revert_without_publish_permission_keeps_the_publication_state(
    client, editor, editor_without_publish, draft
):
    # A published version exists in the history; the record is now unpublished.
    draft.publication = "published"
    draft.save()
    published_version = draft.history.first()
    draft.publication = "unpublished"
    draft.save()
    client.force_login(editor_without_publish)
    url = history_url(draft, published_version)
    data = form_data(client, url)
    data["title_sv"] = "Återställd titel"
    response = client.post(url, data)
    assert response.status_code == 302  # the version was restored ...
    draft.refresh_from_db()
    assert draft.title_sv == "Återställd titel"
    assert draft.publication == "unpublished"  # ... but not its publication state


def test_editor_with_publish_permission_publishes_through_the_form(client, editor, draft):
    client.force_login(editor)
    url = reverse("admin:projects_project_change", args=[draft.pk])
    data = form_data(client, url)
    data["publication"] = "published"
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.publication == "published"


def test_publish_permission_exists_for_every_publishable_model(db):
    codenames = set(Permission.objects.values_list("codename", flat=True))
    assert {"publish_project", "publish_partnership"} <= codenames


# Administrators manage accounts but cannot make anyone a superuser (issue: decide and
# document that Administrators could make themselves superuser through the user admin).


@pytest.fixture
def administrator(db):
    from core.roles import ADMINISTRATORS
    from tests.conftest import make_user

    return make_user("admin-role", ADMINISTRATORS)


def user_form(client, url):
    """The user change form as a browser posts it back (date and time in two fields)."""
    from tests.conftest import admin_form_data

    data = admin_form_data(client, url)
    joined = data.pop("date_joined")
    data.update(date_joined_0=joined.strftime("%Y-%m-%d"), date_joined_1="12:00:00")
    data.pop("last_login", None)
    return data


def test_an_administrator_cannot_make_themselves_superuser(client, administrator):
    client.force_login(administrator)
    url = f"/admin/auth/user/{administrator.pk}/change/"
    data = user_form(client, url)
    data["is_superuser"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    administrator.refresh_from_db()
    assert administrator.is_superuser is False


def test_an_administrator_cannot_change_a_superuser(client, administrator):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", password="correct horse battery staple")
    client.force_login(administrator)
    assert client.get(f"/admin/auth/user/{root.pk}/change/").status_code == 200  # view only
    response = client.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "taken over 12345!", "password2": "taken over 12345!"},
    )
    assert response.status_code == 403
    assert client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    root.refresh_from_db()
    assert root.check_password("correct horse battery staple")


def test_a_superuser_can_still_make_a_superuser(client, administrator):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", password="correct horse battery staple")
    client.force_login(root)
    url = f"/admin/auth/user/{administrator.pk}/change/"
    data = user_form(client, url)
    data["is_superuser"] = "on"
    assert client.post(url, data).status_code == 302
    administrator.refresh_from_db()
    assert administrator.is_superuser is True
