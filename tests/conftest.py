import pytest
from django.contrib.auth.models import Group, User

from core.models import Country, Goal, Publication, Theme
from core.roles import EDITORS, STAFF
from partnerships.models import Grant, Municipality, MunicipalityKind, Partnership
from projects.models import Project


@pytest.fixture
def seeded(db):
    from core.seeding import load_seeds

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


def make_project(slug, countries=(), goals=(), themes=(), **fields):
    fields.setdefault("publication", Publication.PUBLISHED)
    fields.setdefault("title_sv", slug.replace("-", " ").title())
    project = Project.objects.create(slug=slug, **fields)
    project.countries.set(Country.objects.filter(code__in=countries))
    project.goals.set(goals)
    project.themes.set(themes)
    return project


def make_municipality(name, code=None, kind=MunicipalityKind.MUNICIPALITY, country="SE", **fields):
    from django.utils.text import slugify

    fields.setdefault("publication", Publication.PUBLISHED)
    return Municipality.objects.create(
        slug=slugify(name), name=name, kind=kind, code=code, country_id=country, **fields
    )


def make_partnership(slug, country=None, participants=(), goals=(), themes=(), grants=(), **fields):
    fields.setdefault("publication", Publication.PUBLISHED)
    fields.setdefault("title_sv", slug.replace("-", " ").title())
    partnership = Partnership.objects.create(slug=slug, country_id=country, **fields)
    partnership.swedish_participants.set(participants)
    partnership.goals.set(goals)
    partnership.themes.set(themes)
    for year, amount, duration in grants:
        Grant.objects.create(
            partnership=partnership, year=year, amount_sek_per_year=amount, duration_years=duration
        )
    return partnership
