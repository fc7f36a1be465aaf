"""Production settings, headers, login protection, error pages, fuzzed input, backups."""

import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerships.models import Grant, GrantRound, Partnership
from projects.models import Project
from reference.models import Country, Goal, Organisation
from reference.models import Organisation as Municipality
from tests.conftest import make_partnership

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x7!" + "q" * 60 + "production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "register.example.org",
        "HTTPS_ONLY": "1",
        "OPEN_DATA_CONTACT_EMAIL": "oppnadata@example.org",  # else opendata.W001
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DEBUG="0", ALLOWED_HOSTS="register.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@override_settings(SECURE_HSTS_SECONDS=63072000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_public_pages_send_security_headers(client, seeded):
    response = client.get("/projekt/", secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    # No style attribute, which the policy would block (the embed box's code is text).
    document = lxml.html.fromstring(response.content)
    assert not document.xpath("//*[@style]")


def test_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["ok", "database ok", "cache ok"]


def test_login_lockout_per_username_and_address(client, editor, caplog):
    def attempt(username, password, ip="203.0.113.5"):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            REMOTE_ADDR=ip,
        )

    for _ in range(4):
        assert attempt("editor", "wrong").status_code == 200
    with caplog.at_level("WARNING"):
        assert attempt("editor", "wrong").status_code == 429  # the fifth failure locks
    locked = attempt("editor", "correct horse battery")
    assert locked.status_code == 429  # even the right password, during the cool-off
    assert (
        "Too many failed logins" in locked.content.decode()
        or "För många" in locked.content.decode()
    )
    assert "Locking out" in caplog.text
    # The same user from another address, or another user from this one, is not locked out.
    assert attempt("editor", "correct horse battery", ip="198.51.100.7").status_code == 302
    client.logout()
    assert attempt("someone-else", "wrong").status_code == 200


def test_cool_off_is_limited():
    from django.conf import settings as django_settings

    assert django_settings.AXES_COOLOFF_TIME.total_seconds() <= 3600
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_not_found_page_in_both_languages(client):
    sv = client.get("/projekt/finns-inte/")
    en = client.get("/en/projects/finns-inte/")
    assert sv.status_code == en.status_code == 404
    assert "Sidan finns inte" in sv.content.decode()
    assert "Page not found" in en.content.decode()


def test_server_error_page_leaks_nothing_and_is_logged(client, monkeypatch, caplog):
    from pages import views

    def broken(self, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/en/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "secret internal detail" not in body
    assert "Internal Server Error: /en/" in caplog.text


# Fuzzing -------------------------------------------------------------------------------

FUZZ_PATHS = [
    "/projekt/",
    "/partnerskap/",
    "/kommuner/",
    "/en/projects/",
    "/mal/11/",
    "/lander/ke/",
    "/projekt/symbiocity-kenya/",
    "/kommuner/borlange/",
    "/projekt/export.csv",
    "/partnerskap/export.csv",
    "/partnerskap/bidrag.csv",
    "/kommuner/export.csv",
]
PARAMS = [
    "country",
    "goal",
    "theme",
    "status",
    "year",
    "municipality",
    "kind",
    "q",
    "sort",
    "page",
    "format",
    "columns",
    "x",
]
values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "\x00",
            "KE",
            "ke",
            "11",
            "0",
            "-1",
            "99999999999999999999999999",
            "1e400",
            "NaN",
            "%00",
            "' OR 1=1 --",
            "gender-equality",
            "ongoing",
            "-start",
            "excel",
        ]
    ),
    st.integers().map(str),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=8)


def table_counts():
    return [
        m.objects.count()
        for m in (
            Project,
            Partnership,
            Grant,
            Municipality,
            Goal,
            Country,
            Organisation,
            GrantRound,
        )
    ]


@pytest.fixture
def fuzz_client(client, staff_user, seeded):
    make_partnership(
        "borlange-kenya",
        country="KE",
        participants=[Municipality.objects.get(slug="borlange")],
        grants=[(2016, 400_000, 3)],
    )
    client.force_login(staff_user)
    client.raise_request_exception = False
    return client


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(FUZZ_PATHS), query=queries)
def test_fuzzed_query_strings_never_give_a_server_error(fuzz_client, path, query):
    before = table_counts()
    data = {}
    for key, value in query:
        data.setdefault(key, []).append(value)
    response = fuzz_client.get(path, data)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert response.status_code in (200, 302, 404), (path, query, response.status_code)
    assert table_counts() == before


# Backup and restore --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(tmp_path, goals):
    from ops.seeding import load_seeds

    load_seeds()
    make_partnership(
        "borlange-kenya",
        country="KE",
        participants=[Municipality.objects.get(slug="borlange")],
        goals=[goals[11]],
        grants=[(2016, 400_000, 3)],
    )
    before = table_counts()
    relations = sorted(
        Partnership.objects.values_list(
            "slug", "participants__organisation__scb_code", "goals__number"
        )
    )
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup))
    call_command("flush", interactive=False)
    assert Project.objects.count() == 0
    call_command("restore", str(backup))
    assert table_counts() == before
    assert (
        sorted(
            Partnership.objects.values_list(
                "slug", "participants__organisation__scb_code", "goals__number"
            )
        )
        == relations
    )
    assert Project.objects.get(slug="symbiocity-kenya").countries.get().code == "KE"


def test_password_spraying_from_one_address_is_stopped(client, editor, settings, caplog):
    """Many usernames, a few guesses each, from one address (issue: 60 usernames locked
    nothing): after LOGIN_FAILURES_PER_ADDRESS failures the address may not log in for the
    cool-off, whatever the username; the log names the account, the page does not."""
    from django.core.cache import cache

    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    cache.clear()

    def attempt(username, password, ip="203.0.113.9"):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": password},
            REMOTE_ADDR=ip,
        )

    for i in range(8):
        assert attempt(f"user{i}", "Sommar2026!").status_code == 200
    with caplog.at_level("WARNING"):
        refused = attempt("editor", "correct horse battery")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "editor" in caplog.text and "203.0.113.9" in caplog.text
    # Another address is not affected.
    assert attempt("editor", "correct horse battery", ip="198.51.100.7").status_code == 302
