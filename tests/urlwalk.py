"""Every named public address of the site, read from the URL resolver (not a hand-kept
list), so that a page added later is walked by the tests that use this without anyone
remembering to add it."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

# Namespaces and names that are not public pages: the admin, the health check, the files
# only staff may download (they are checked by the export tests) and the favicon redirect.
NOT_PUBLIC_NAMESPACES = {"admin"}
NOT_PUBLIC_NAMES = {
    "health",
    "projects:project-export",
    "partnerships:partnership-export",
    "partnerships:grant-export",
    "partnerships:municipality-export",
}


def named_patterns(patterns=None, namespace=()):
    """(full name, names of the address's parameters) of every named route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            if set(inner) & NOT_PUBLIC_NAMESPACES:
                continue
            yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = ":".join(namespace + (pattern.name,))
            if name not in NOT_PUBLIC_NAMES:
                yield (
                    name,
                    tuple(pattern.pattern.converters) or tuple(pattern.pattern.regex.groupindex),
                )


def release_sample():
    """A release of what the walk's records are at this moment (opendata/releases.py)."""
    from opendata.releases import make_release

    return [{"name": make_release("http://testserver"), "filename": "datapackage.json"}]


# Routes whose values every walk makes the same way.
SHARED_SAMPLES = {"release-file": release_sample}
# Routes that take the values of another's (a widget, a PDF those of its record's page).
SAMPLE_ALIASES = {
    "pages:municipality-embed": "partnerships:municipality-detail",
    "pages:country-embed": "pages:country-detail",
    "pages:goal-embed": "pages:goal-detail",
    "pages:programme-embed": "pages:programme-detail",
    "pages:organisation-embed": "pages:organisation-detail",
    # A record's PDF (core/pdf.py) is at its page's address + pdf/.
    "projects:project-pdf": "projects:project-detail",
    "partnerships:partnership-pdf": "partnerships:partnership-detail",
}


def public_addresses(samples, languages=("sv", "en")):
    """Every public address in each language: routes without parameters once, routes with
    parameters once for each set of values `samples(name)` gives. A route with parameters
    for which `samples` has nothing fails the walk, so no page is skipped unnoticed."""
    addresses = []
    missing = []
    for name, parameters in named_patterns():
        values = [{}] if not parameters else samples(SAMPLE_ALIASES.get(name, name))
        if not values and name in SHARED_SAMPLES:
            values = SHARED_SAMPLES[name]()
        if not values:
            missing.append(name)
            continue
        for language in languages:
            with translation.override(language):
                for kwargs in values:
                    address = reverse(name, kwargs=kwargs)
                    if address not in addresses:
                        addresses.append(address)
    assert not missing, f"no sample values for the public routes {missing}"
    return addresses


# Records of each kind beside the seeded ones, with the long words and addresses Swedish
# records have (compounds, web and e-mail addresses, long slugs), so a page that cannot
# reflow at 320 px shows up in the walk.
LONG_SLUG = "kommunalt-klimatanpassningssamarbete-mellan-borlange-och-nakuru-county"
LONG_WORD = "Klimatanpassningsutvecklingsprogrammet"
LONG_URL = (
    "https://www.internationellt-kommunalt-samarbete.example.se/verksamhetsomraden/"
    "klimatanpassning/rapporter/slutrapport-2018.pdf"
)
LONG_EMAIL = "internationella.samarbeten.och.partnerskap@kommunforbundet.example.se"


def make_walk_records():
    """A project, a partnership with grants in a round, an organisation, a programme, a
    municipality, on top of the seeded data (which has goal 11 and Kenya)."""
    from datetime import date

    from core.models import Publication
    from partnerships.models import Grant, GrantRound
    from projects.models import ProjectParticipant
    from reference.models import Goal, Organisation, OrganisationKind, Programme, Role
    from tests.conftest import make_municipality, make_partnership, make_project, set_roles

    goal = Goal.objects.get(framework="sdg", number=11)
    body = f"{LONG_WORD} och {LONG_WORD.lower()}. Läs mer på {LONG_URL} eller skriv till "
    body += f"{LONG_EMAIL}."
    organisation = Organisation.objects.create(
        slug="internationella-kommunforbundet-for-klimatanpassning",
        name_sv=f"Internationella kommunförbundet för {LONG_WORD.lower()}",
        kind=OrganisationKind.ASSOCIATION,
        country_id="SE",
        website=LONG_URL,
        description_sv=body,
        publication=Publication.PUBLISHED,
    )
    programme = Programme.objects.create(
        slug="klimatanpassningsprogrammet",
        name_sv=LONG_WORD,
        description_sv=body,
        publication=Publication.PUBLISHED,
    )
    set_roles(programme, owner=organisation, funder=Organisation.objects.get(slug="sida"))
    programme.goals.add(goal)
    municipality = make_municipality("Klimatanpassningsstadskommunen", code="2999")
    grant_round = GrantRound.objects.create(
        slug="klimatanpassningsprogrammets-forsta-omgang-2016",
        programme=programme,
        title_sv=f"{LONG_WORD}s första omgång",
        year=2016,
        decided_on=date(2016, 5, 1),
        stated_new_partnerships=2,
    )
    set_roles(
        grant_round, grant_maker=organisation, funding_source=Organisation.objects.get(slug="sida")
    )
    grant_round.participants.add(municipality)
    project = make_project(
        LONG_SLUG,
        title_sv=f"{LONG_WORD} i Nakuru",
        body_sv=body,
        countries=["KE"],
        goals=[goal],
        programme=programme,
        start_year=2016,
        end_year=2018,
    )
    # A participant: IATI describes the project (its file is no 404).
    ProjectParticipant.objects.create(
        project=project, organisation=organisation, role=Role.IMPLEMENTING
    )
    partnership = make_partnership(
        LONG_SLUG,
        title_sv=f"{LONG_WORD} mellan Klimatanpassningsstadskommunen och Nakuru",
        body_sv=body,
        country="KE",
        participants=[municipality],
        goals=[goal],
        programme=programme,
        start_year=2016,
        end_year=2018,
    )
    for year, in_round in ((2016, grant_round), (2018, None)):
        record = Grant.objects.create(
            partnership=partnership,
            grant_round=in_round,
            year=year,
            amount_sek_per_year=450_000,
            duration_years=1,
        )
        set_roles(record, grant_maker=organisation)
    # A correction on the project's page (corrections/): its table of what changed.
    from corrections.models import ErrorReport, Status

    report = ErrorReport.objects.create(
        record=project,
        record_title=str(project),
        description="Fel titel.",
        status=Status.CORRECTED,
        explanation_sv=f"Titeln rättad enligt {LONG_WORD.lower()}s slutrapport: {LONG_URL}",
    )
    ErrorReport.objects.filter(pk=report.pk).update(
        changes=[
            {"field": "title_sv", "old": LONG_WORD, "new": f"{LONG_WORD} i Nakuru"},
            {"field": "programme", "old": None, "new": None},
        ]
    )


def samples(name):
    """Values for the parameters of each public route: a seeded record and one of
    `make_walk_records`' (the API's single records are all JSON, one each is enough)."""
    from partnerships.models import Grant

    values = {
        "pages:goal-detail": [{"number": 11}],
        "pages:country-detail": [{"code": "ke"}],
        "pages:organisation-detail": [
            {"slug": "icld"},
            {"slug": "internationella-kommunforbundet-for-klimatanpassning"},
        ],
        "pages:programme-detail": [
            {"slug": "kommunala-partnerskap"},
            {"slug": "klimatanpassningsprogrammet"},
        ],
        "pages:round-detail": [
            {"slug": "icld-32-nya-partnerskap"},
            {"slug": "klimatanpassningsprogrammets-forsta-omgang-2016"},
        ],
        "projects:project-detail": [{"slug": "symbiocity-kenya"}, {"slug": LONG_SLUG}],
        "partnerships:partnership-detail": [{"slug": LONG_SLUG}],
        "partnerships:municipality-detail": [
            {"slug": "borlange"},
            {"slug": "klimatanpassningsstadskommunen"},
        ],
        "api-v1:project": [{"slug": LONG_SLUG}],
        "api-v1:partnership": [{"slug": LONG_SLUG}],
        "api-v1:grant": [{"grant_id": Grant.objects.values_list("pk", flat=True).first()}],
        "api-v1:grant_round": [{"slug": "icld-32-nya-partnerskap"}],
        "api-v1:municipality": [{"slug": "borlange"}],
        "api-v1:organisation": [{"slug": "icld"}],
        "api-v1:programme": [{"slug": "kommunala-partnerskap"}],
        "api-v1:goal": [{"framework": "sdg", "number": 11}],
        "api-v1:country": [{"code": "KE"}],
    }
    return values.get(name, [])


# The API's catch-all (any address under /api/ that is no resource) answers 404 in JSON;
# its own address is walked too.
NOT_FOUND = {"/api/", "/oembed"}  # and oEmbed without a page's address (its spec: 404)

# The API's documentation (templates/ninja/swagger.html): Swagger UI writes its heading
# with its script, so the page's HTML as served has no h1. The browser walk checks it
# whole (axe, one h1, lang "en", reflow); the checks of the served HTML leave it out.
NOT_OUR_PAGES = {"/api/v1/docs"}

# Addresses with a query string that show what the bare addresses do not: a filtered list
# with notices for bad values, search results, a filtered statistics page, a comparison
# of municipalities (the bare address is its form).
QUERY_ADDRESSES = [
    "/projekt/?country=KE&goal=11",
    "/projekt/?country=ZZ&page=99",
    "/sok/?q=kommun",
    "/statistik/?country=KE",
    "/rapportera-fel/?url=/projekt/symbiocity-kenya/",
    "/partnerskap/inbaddning/?country=KE&goal=11",
    "/projekt/inbaddning/?country=ZZ",
    "/kommuner/jamfor/?municipality=borlange&municipality=klimatanpassningsstadskommunen",
    "/statistik/pdf/?country=KE&goal=11",
]


def walk_addresses():
    """Every public address (with `samples`) and the query addresses, in both languages."""
    from tests.conftest import english

    queries = QUERY_ADDRESSES + [english(address) for address in QUERY_ADDRESSES]
    return public_addresses(samples) + queries
