from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.db.models.fields.files import FieldFile

from core.models import Publication
from core.roles import EDITORS, STAFF
from partnerships.models import Grant, Partnership, PartnershipParticipant
from projects.models import Project
from reference.models import Country, Goal, Organisation, OrganisationKind, Role, Theme


@pytest.fixture
def seeded(db):
    from ops.seeding import load_seeds

    return load_seeds()


def make_user(username, group=None, **extra):
    user = User.objects.create_user(
        username, password="correct horse battery", is_staff=bool(group), **extra
    )
    if group:
        if not Group.objects.filter(name=group).exists():
            # A transactional test flushed what the data migration made.
            from django.apps import apps

            from core.roles import sync_groups

            sync_groups(apps)
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return make_user("editor", EDITORS)


@pytest.fixture
def staff_user(db):
    return make_user("analyst", STAFF)


@pytest.fixture
def goals(db):
    """The 17 SDGs (titles are placeholders, colours real enough for contrast maths)."""
    return {
        n: Goal.objects.get_or_create(
            framework="sdg",
            number=n,
            defaults={"title_sv": f"Mål {n}", "title_en": f"Goal {n}", "colour": "#3F7E44"},
        )[0]
        for n in range(1, 18)
    }


@pytest.fixture
def themes(db):
    return {
        slug: Theme.objects.get_or_create(slug=slug, defaults={"name_sv": slug.title()})[0]
        for slug in ("gender-equality", "citizen-dialogue", "local-governance")
    }


def years_to_dates(fields):
    """start_year / end_year keywords as dates known to the year."""
    start, end = fields.pop("start_year", None), fields.pop("end_year", None)
    if start:
        fields["start_date"] = date(start, 1, 1)
    if end:
        fields["end_date"] = date(end, 12, 31)
    return fields


def make_project(slug, countries=(), goals=(), themes=(), **fields):
    years_to_dates(fields)
    fields.setdefault("publication", Publication.PUBLISHED)
    fields.setdefault("title_sv", slug.replace("-", " ").title())
    project = Project.objects.create(slug=slug, **fields)
    project.countries.set(Country.objects.filter(code__in=countries))
    project.goals.set(goals)
    project.themes.set(themes)
    return project


def make_municipality(name, code=None, kind=OrganisationKind.MUNICIPALITY, country="SE", **fields):
    from django.utils.text import slugify

    fields.setdefault("publication", Publication.PUBLISHED)
    return Organisation.objects.create(
        slug=slugify(name), name_sv=name, kind=kind, scb_code=code, country_id=country, **fields
    )


def make_partnership(
    slug, country=None, participants=(), goals=(), themes=(), grants=(), partners=(), **fields
):
    years_to_dates(fields)
    fields.setdefault("publication", Publication.PUBLISHED)
    fields.setdefault("title_sv", slug.replace("-", " ").title())
    partnership = Partnership.objects.create(slug=slug, country_id=country, **fields)
    for role, orgs in (
        (Role.SWEDISH_PARTICIPANT, participants),
        (Role.PARTNER_GOVERNMENT, partners),
    ):
        for org in orgs:
            PartnershipParticipant.objects.create(
                partnership=partnership, organisation=org, role=role
            )
    partnership.goals.set(goals)
    partnership.themes.set(themes)
    for year, amount, duration in grants:
        Grant.objects.create(
            partnership=partnership, year=year, amount_sek_per_year=amount, duration_years=duration
        )
    return partnership


ROLE_NAMES = {
    "owner": Role.ACCOUNTABLE,
    "funder": Role.FUNDING,
    "grant_maker": Role.EXTENDING,
    "funding_source": Role.FUNDING,
}


def set_roles(records, **organisations):
    """Names the organisations of a record of who runs or funds what, or of each record of
    a queryset: set_roles(grant, grant_maker=icld, funding_source=None)."""
    records = [records] if hasattr(records, "roles") else list(records)
    for record in records:
        for name, organisation in organisations.items():
            role = ROLE_NAMES[name]
            if organisation is None:
                record.roles.filter(role=role).delete()
            else:
                record.roles.update_or_create(role=role, defaults={"organisation": organisation})


def describable_project(slug, country="KE"):
    """A published project IATI can describe: dates and a published participant (SKR, the
    implementing organisation; needs the seeds)."""
    from projects.models import ProjectParticipant

    project = make_project(slug, countries=[country], start_year=2016, end_year=2017)
    ProjectParticipant.objects.create(
        project=project, organisation=Organisation.objects.get(slug="skr"), role=Role.IMPLEMENTING
    )
    return project


def describable_partnership(slug):
    """A published partnership that both 360Giving and IATI can describe: a Swedish
    participant, dates, a grant with ICLD as its grant-maker (needs the seeds)."""
    partnership = make_partnership(
        slug,
        country="KE",
        participants=[Organisation.objects.get(slug="borlange")],
        start_year=2016,
        end_year=2017,
        grants=[(2016, 100_000, 2)],
    )
    set_roles(partnership.grants.all(), grant_maker=Organisation.objects.get(slug="icld"))
    return partnership


def admin_form_data(client, url):
    """The admin form at `url` as the browser would post it back unchanged."""
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for i, inline_form in enumerate(inline.formset.initial_forms):
            prefix = f"{inline.formset.prefix}-{i}"
            data[f"{prefix}-id"] = inline_form.instance.pk
            fk = inline.formset.fk
            data[f"{prefix}-{fk.name}"] = getattr(inline_form.instance, fk.attname)
            for field_name, value in inline_form.initial.items():
                if value is not None:
                    data[f"{inline.formset.prefix}-{i}-{field_name}"] = getattr(value, "pk", value)
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or isinstance(value, FieldFile):
            continue  # a browser sends no file back unless one is chosen
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "all"):
            data[name] = [v.pk for v in value.all()]
        else:
            data[name] = getattr(value, "pk", value)
    return data


def english(path):
    """The English address of a Swedish page's: /projekt/?q=x -> /en/projects/?q=x."""
    from core.middleware import LanguagePathRedirectMiddleware

    words, mark, query = path.partition("?")
    return (LanguagePathRedirectMiddleware.target("/en" + words) or "/en" + words) + mark + query


@pytest.fixture(autouse=True)
def _not_public_reading():
    """Each test starts outside a public request (a response a test never read to the end
    would otherwise leave core.publication's state set for the next test)."""
    from core.publication import set_public_reading

    set_public_reading(False)
    yield
    set_public_reading(False)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, Swedish, as a new request does: a
    test that activated English and never deactivated it (a thread's language outlives
    the test) made the next one's Swedish messages English, depending on the order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_local_cache_level():
    """Each test starts with this process's local cache level empty, as a new worker
    does (core/cache.py)."""
    from core.cache import local_level

    local_level.clear()
    yield
    local_level.clear()


@pytest.fixture(autouse=True)
def _open_data_files(settings, tmp_path):
    """Each test writes the whole open-data files (opendata/wholefiles.py) and releases
    (opendata/releases.py) into folders of its own, so no file of another test is served."""
    settings.OPEN_DATA_FILES_ROOT = str(tmp_path / "open-data")
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "releases")},
        },
    }


@pytest.fixture
def no_stream_limits(monkeypatch):
    """For the query counts of whole-file downloads: the download limits' own calls to the
    shared cache (a table in the tests, Redis in production) are tested apart
    (tests/test_stream_limits.py), not counted as the file's queries."""
    from core import throttle

    monkeypatch.setattr(throttle, "acquire", lambda request: [])
