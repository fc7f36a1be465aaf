"""Synthetic data for demos, load tests and benchmarks. Never mixed into seeds/: every
row it makes has a slug starting with `demo-` and a title marked [Syntetisk], and
`--delete` removes them all again."""

import random
import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.cache import bump_data_version
from core.models import Publication
from partnerships import tallies
from partnerships.models import Grant, GrantParticipant, Partnership, PartnershipParticipant
from projects.models import Project, ProjectParticipant
from reference.models import (
    Country,
    Goal,
    Organisation,
    OrganisationKind,
    Programme,
    Role,
    Theme,
)
from reference.services import read_municipality_codes

PREFIX = "demo-"
MARK = "[Syntetisk] "
# Partner countries with weights, roughly as ICLD's and SALAR International's portfolios lean.
COUNTRIES = {
    "KE": 12,
    "CN": 9,
    "BW": 7,
    "UG": 7,
    "ZA": 7,
    "XK": 6,
    "TZ": 6,
    "VN": 4,
    "ID": 4,
    "UA": 4,
    "GE": 3,
    "MD": 3,
    "BA": 3,
    "RS": 3,
    "AL": 3,
    "MK": 3,
    "TR": 3,
    "CO": 3,
    "BO": 3,
    "TN": 3,
    "IQ": 2,
    "MM": 2,
    "RW": 2,
    "ZM": 2,
    "MZ": 2,
    "NA": 2,
    "GH": 2,
}
GOAL_WEIGHTS = {16: 10, 11: 8, 5: 6, 10: 5, 13: 5, 4: 3, 3: 3, 6: 2, 1: 2, 8: 2, 17: 4}
WORDS = [
    "lokal demokrati",
    "medborgardialog",
    "klimatanpassning",
    "avfallshantering",
    "jämställd förvaltning",
    "ungas delaktighet",
    "öppna data",
    "vatten och sanitet",
    "äldreomsorg",
    "digital förvaltning",
    "fysisk planering",
    "skola och fritid",
]
BATCH = 5000


def weighted(rng, table, k):
    keys, weights = list(table), list(table.values())
    return list(dict.fromkeys(rng.choices(keys, weights=weights, k=k)))


class Command(BaseCommand):
    help = "Generate synthetic partnerships, grants and projects (marked as synthetic)."

    def add_arguments(self, parser):
        parser.add_argument("--partnerships", type=int, default=1000)
        parser.add_argument("--projects", type=int, default=100)
        parser.add_argument("--grants-per-partnership", type=int, default=2)
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable data)")
        parser.add_argument("--delete", action="store_true", help="remove all synthetic rows")

    def handle(self, *args, **options):
        if options["delete"]:
            self.delete()
            return
        rng = random.Random(options["seed"])
        started = time.perf_counter()
        with transaction.atomic(), tallies.counted_at_the_end():
            rows = self.generate(rng, options)
        bump_data_version()  # the rows were written in bulk, without signals
        # Fresh statistics, or the query planner picks poor plans for the facet counts
        # (SQLite: 400 ms instead of 20 ms for one facet at 10 000 partnerships). On
        # PostgreSQL also VACUUM, as autovacuum would in time: until then no page is
        # marked all-visible and no index-only scan is possible (a count of the published
        # partnerships at 100 000 read the table, 28 ms, instead of an index, 9 ms).
        # VACUUM cannot run in a transaction (a test's).
        vacuum = (
            connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and connection.get_autocommit()
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)."
            )
        )

    def delete(self):
        with transaction.atomic(), tallies.counted_at_the_end():
            Grant.objects.filter(partnership__slug__startswith=PREFIX).delete()
            for model in (Partnership, Project, Organisation):
                model.objects.filter(slug__startswith=PREFIX).delete()
        bump_data_version()
        self.stdout.write(self.style.SUCCESS("Synthetic rows removed."))

    def municipalities(self):
        by_name, counties = read_municipality_codes()
        existing = {m.scb_code: m for m in Organisation.objects.exclude(scb_code=None)}
        new = []
        for name, ref in by_name.items():
            if ref["municipality_code"] not in existing:
                new.append(
                    Organisation(
                        slug=f"{PREFIX}{ref['municipality_code']}",
                        name_sv=name,
                        kind=OrganisationKind.MUNICIPALITY,
                        scb_code=ref["municipality_code"],
                        county_code=ref["county_code"],
                        county_name=ref["county_name"],
                        country_id="SE",
                        publication=Publication.PUBLISHED,
                    )
                )
        for code, county in counties.items():
            if code not in existing:
                new.append(
                    Organisation(
                        slug=f"{PREFIX}region-{code}",
                        name_sv=f"Region {county.removesuffix(' län')}",
                        kind=OrganisationKind.REGION,
                        scb_code=code,
                        county_code=code,
                        county_name=county,
                        country_id="SE",
                        publication=Publication.PUBLISHED,
                    )
                )
        Organisation.objects.bulk_create(new, batch_size=BATCH)
        swedish = Organisation.objects.published().swedish_local()
        return list(swedish.values_list("pk", flat=True)), len(new)

    def generate(self, rng, options):
        known = set(Country.objects.values_list("code", flat=True))
        countries = {c: w for c, w in COUNTRIES.items() if c in known}
        goals = {g.number: g.pk for g in Goal.objects.filter(framework="sdg")}
        goal_weights = {n: GOAL_WEIGHTS.get(n, 1) for n in goals}
        themes = list(Theme.objects.values_list("pk", flat=True))
        programme = Programme.objects.filter(slug="kommunala-partnerskap").first()
        funder = Organisation.objects.filter(slug="sida").first()
        grant_maker = Organisation.objects.filter(slug="icld").first()
        implementer = Organisation.objects.filter(slug="salar-international").first()
        participant_ids, rows = self.municipalities()

        def years():
            start = rng.randint(2008, 2026)
            return start, min(start + rng.randint(0, 4), 2029)

        start_index = Partnership.objects.filter(slug__startswith=PREFIX).count()
        n = options["partnerships"]
        for offset in range(0, n, BATCH):
            batch = []
            for i in range(offset, min(offset + BATCH, n)):
                start, end = years()
                country = weighted(rng, countries, 1)[0]
                subject = rng.choice(WORDS)
                batch.append(
                    Partnership(
                        slug=f"{PREFIX}partnerskap-{start_index + i}",
                        title_sv=f"{MARK}{subject.capitalize()} i {country} #{start_index + i}",
                        title_en=f"{MARK}Partnership {start_index + i} ({country})",
                        summary_sv=f"Syntetiskt exempel om {subject}; inget verkligt partnerskap.",
                        country_id=country,
                        programme=programme,
                        start_date=date(start, 1, 1),
                        end_date=date(end, 12, 31),
                        publication=Publication.PUBLISHED,
                    )
                )
            created = Partnership.objects.bulk_create(batch, batch_size=BATCH)
            rows += len(created) + self.links(
                rng, created, participant_ids, goals, goal_weights, themes
            )
            grants = []
            for p in created:
                year = p.start_date.year
                for _k in range(options["grants_per_partnership"]):
                    grants.append(
                        Grant(
                            partnership=p,
                            year=min(year, 2100),
                            amount_sek_per_year=rng.randrange(300_000, 500_001, 25_000),
                            duration_years=rng.randint(1, 3),
                        )
                    )
                    year += 1
            Grant.objects.bulk_create(grants, batch_size=BATCH)
            rows += len(grants)
            grant_roles = [
                GrantParticipant(grant_id=g.pk, organisation=org, role=role)
                for g in grants
                for org, role in ((grant_maker, Role.EXTENDING), (funder, Role.FUNDING))
                if org is not None
            ]
            GrantParticipant.objects.bulk_create(grant_roles, batch_size=BATCH)
            rows += len(grant_roles)

        project_start = Project.objects.filter(slug__startswith=PREFIX).count()
        m = options["projects"]
        for offset in range(0, m, BATCH):
            batch = []
            for i in range(offset, min(offset + BATCH, m)):
                start, end = years()
                subject = rng.choice(WORDS)
                batch.append(
                    Project(
                        slug=f"{PREFIX}projekt-{project_start + i}",
                        title_sv=f"{MARK}Projekt om {subject} #{project_start + i}",
                        title_en=f"{MARK}Project {project_start + i}",
                        summary_sv="Syntetiskt exempel; inte ett verkligt projekt.",
                        start_date=date(start, 1, 1),
                        end_date=date(end, 12, 31),
                        publication=Publication.PUBLISHED,
                    )
                )
            created = Project.objects.bulk_create(batch, batch_size=BATCH)
            rows += len(created)
            through_c, through_g, through_t = (
                Project.countries.through,
                Project.goals.through,
                Project.themes.through,
            )
            links_c, links_g, links_t = [], [], []
            roles = [
                ProjectParticipant(project_id=p.pk, organisation=org, role=role)
                for p in created
                for org, role in ((implementer, Role.IMPLEMENTING), (funder, Role.FUNDING))
                if org is not None
            ]
            ProjectParticipant.objects.bulk_create(roles, batch_size=BATCH)
            rows += len(roles)
            for p in created:
                for c in weighted(rng, countries, rng.randint(1, 3)):
                    links_c.append(through_c(project_id=p.pk, country_id=c))
                for g in weighted(rng, goal_weights, rng.randint(1, 3)):
                    links_g.append(through_g(project_id=p.pk, goal_id=goals[g]))
                for t in rng.sample(themes, k=min(len(themes), rng.randint(1, 2))):
                    links_t.append(through_t(project_id=p.pk, theme_id=t))
            for model, links in ((through_c, links_c), (through_g, links_g), (through_t, links_t)):
                model.objects.bulk_create(links, batch_size=BATCH)
                rows += len(links)
        return rows

    def links(self, rng, partnerships, participant_ids, goals, goal_weights, themes):
        through_m = PartnershipParticipant
        through_g = Partnership.goals.through
        through_t = Partnership.themes.through
        links_m, links_g, links_t = [], [], []
        for p in partnerships:
            for m in set(rng.choices(participant_ids, k=rng.choice((1, 1, 1, 2)))):
                links_m.append(
                    through_m(partnership_id=p.pk, organisation_id=m, role=Role.SWEDISH_PARTICIPANT)
                )
            for g in weighted(rng, goal_weights, rng.randint(1, 3)):
                links_g.append(through_g(partnership_id=p.pk, goal_id=goals[g]))
            for t in rng.sample(themes, k=min(len(themes), rng.randint(1, 3))):
                links_t.append(through_t(partnership_id=p.pk, theme_id=t))
        for model, links in ((through_m, links_m), (through_g, links_g), (through_t, links_t)):
            model.objects.bulk_create(links, batch_size=BATCH)
        return len(links_m) + len(links_g) + len(links_t)
