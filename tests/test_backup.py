"""Backups: readable by their owner only, timestamps to the microsecond, and a restore
that refuses a database with content unless asked to replace it (then in one
transaction)."""

import json
import os
import stat
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Project
from tests.conftest import make_project

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backup_file(tmp_path, seeded):
    project = Project.objects.get(slug="symbiocity-kenya")
    exact = datetime(2026, 11, 25, 10, 30, 15, 123456, tzinfo=UTC)
    Project.objects.filter(pk=project.pk).update(updated_at=exact)
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    return path, exact


def test_backup_is_readable_by_its_owner_only(backup_file):
    path, _exact = backup_file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_timestamps_keep_their_microseconds(backup_file):
    path, exact = backup_file
    records = json.loads(path.read_text(encoding="utf-8"))
    kenya = next(
        r
        for r in records
        if r["model"] == "projects.project" and r["fields"]["slug"] == ("symbiocity-kenya")
    )
    assert kenya["fields"]["updated_at"] == "2026-11-25T10:30:15.123456Z"
    call_command("restore", str(path), replace=True)
    assert Project.objects.get(slug="symbiocity-kenya").updated_at == exact


def test_restore_refuses_a_database_with_content(backup_file):
    path, _exact = backup_file
    make_project("efter-backup", title_sv="Efter backupen")
    with pytest.raises(CommandError, match="not empty.*--replace"):
        call_command("restore", str(path))
    # Nothing was overwritten or added.
    assert Project.objects.filter(slug="efter-backup").exists()


def test_restore_with_replace_gives_exactly_the_backup(backup_file):
    path, _exact = backup_file
    before = sorted(Project.objects.values_list("slug", "title_sv"))
    make_project("efter-backup", title_sv="Efter backupen")
    Project.objects.filter(slug="symbiocity-kenya").update(title_sv="Ändrad efteråt")
    call_command("restore", str(path), replace=True)
    assert sorted(Project.objects.values_list("slug", "title_sv")) == before


def test_a_failed_replace_leaves_the_database_as_it_was(backup_file, tmp_path):
    _path, _exact = backup_file
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "projects.project", "fields": {"slug": 1}}]')
    before = sorted(Project.objects.values_list("slug", flat=True))
    with pytest.raises(Exception):  # noqa: B017 - any failure of the load
        call_command("restore", str(broken), replace=True)
    assert sorted(Project.objects.values_list("slug", flat=True)) == before
