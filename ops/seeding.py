"""Loads the documents' facts in seeds/ into the database. Idempotent: a second run
changes nothing, an edited seed value updates its row. It spans every app, so it lives in
the top layer."""

import tomllib
from collections import Counter

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from core.models import Publication
from partnerships.models import GrantRound, GrantRoundParticipant
from projects.models import Project, ProjectParticipant
from reference.models import (
    Country,
    FormerName,
    Goal,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeParticipant,
    Role,
    Source,
    Theme,
)
from reference.services import SEEDS_DIR, read_municipality_codes, sync_countries


def read_toml(name):
    with open(SEEDS_DIR / name, "rb") as handle:
        return tomllib.load(handle)


class SeedReport:
    def __init__(self):
        self.counts = Counter()

    def record(self, model, state, n=1):
        # Reports in English whatever language is active, so logs and tests read the same.
        with translation.override("en"):
            self.counts[(str(model._meta.verbose_name_plural), state)] += n

    def lines(self):
        labels = sorted({label for label, _state in self.counts})
        for label in labels:
            parts = [
                f"{state} {self.counts[(label, state)]}"
                for state in ("created", "updated", "unchanged")
            ]
            yield f"{label}: " + ", ".join(parts)


def upsert(report, model, lookup, values, m2m=None):
    """Create or update one row; set its many-to-many relations; record what happened."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        state = "created"
    else:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        for k in changed:
            setattr(obj, k, values[k])
        if changed:
            obj.full_clean()
            obj.save()
        state = "updated" if changed else "unchanged"
    for field, targets in (m2m or {}).items():
        manager = getattr(obj, field)
        wanted = {t.pk for t in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(targets)
            if state == "unchanged":
                state = "updated"
    report.record(model, state)
    return obj


@transaction.atomic
def load_seeds():
    report = SeedReport()
    created, updated = sync_countries()
    report.record(Country, "created", created)
    report.record(Country, "updated", updated)
    report.record(Country, "unchanged", Country.objects.count() - created - updated)
    countries = {c.code: c for c in Country.objects.all()}

    goals = {}
    for row in read_toml("goals.toml")["goal"]:
        lookup = {"framework": row.pop("framework"), "number": row.pop("number")}
        row.setdefault("colour", "")
        goals[(lookup["framework"], lookup["number"])] = upsert(report, Goal, lookup, row)

    themes = {}
    for row in read_toml("themes.toml")["theme"]:
        row.setdefault("kind", "theme")
        slug = row.pop("slug")
        themes[slug] = upsert(report, Theme, {"slug": slug}, row)

    data = read_toml("organisations.toml")
    sources_data = read_toml("sources.toml")["source"]
    organisations = {}
    pending_sources = []
    for row in data["organisation"]:
        former = row.pop("former_names", [])
        pending_sources.append((row["slug"], row.pop("sources", [])))
        row["country"] = countries.get(row.pop("country", None))
        row["parent"] = organisations.get(row.pop("parent", None))
        row["publication"] = Publication.PUBLISHED
        for key in ("acronym", "description_sv", "description_en"):
            row.setdefault(key, "")
        org = upsert(report, Organisation, {"slug": row.pop("slug")}, row)
        organisations[org.slug] = org
        seed_former_names(report, org, former)

    sources = {}
    for row in sources_data:
        values = {
            "title": row["title"],
            "publisher": organisations.get(row.get("publisher")),
            "url": row.get("url", ""),
            "published_on": row.get("published_on"),
        }
        sources[row["slug"]] = upsert(report, Source, {"slug": row["slug"]}, values)
    for slug, keys in pending_sources:
        upsert(report, Organisation, {"slug": slug}, {}, {"sources": [sources[k] for k in keys]})

    programmes = {}
    for row in data["programme"]:
        values = {
            "name_sv": row["name_sv"],
            "name_en": row.get("name_en", ""),
            "description_sv": row.get("description_sv", ""),
            "description_en": row.get("description_en", ""),
            "publication": Publication.PUBLISHED,
            **period_values(row),
        }
        m2m = {
            "goals": [goals[("sdg", n)] for n in row.get("goals", [])]
            + [goals[("mdg", n)] for n in row.get("mdgs", [])],
            "themes": [themes[t] for t in row.get("themes", [])],
            "sources": [sources[k] for k in row.get("sources", [])],
        }
        programme = upsert(report, Programme, {"slug": row["slug"]}, values, m2m)
        programmes[row["slug"]] = programme
        roles = {Role.ACCOUNTABLE: row["owner"], Role.FUNDING: row["funder"]}
        for role, slug in roles.items():
            upsert(
                report,
                ProgrammeParticipant,
                {"programme": programme, "role": role},
                {"organisation": organisations[slug]},
            )

    data = read_toml("projects.toml")
    for row in data["project"]:
        m2m = {
            "countries": [countries[c] for c in row.pop("countries", [])],
            "goals": [goals[("sdg", n)] for n in row.pop("goals", [])],
            "themes": [themes[t] for t in row.pop("themes", [])],
            "sources": [sources[k] for k in row.pop("sources", [])],
        }
        values = {
            "title_sv": row["title_sv"],
            "title_en": row.get("title_en", ""),
            "summary_sv": row.get("summary_sv", ""),
            "summary_en": row.get("summary_en", ""),
            "programme": programmes.get(row.get("programme")),
            "stated_status": row.get("stated_status", ""),
            "status_source": sources.get(row.get("status_source")),
            "budget_sek": row.get("budget_sek"),
            "publication": Publication.PUBLISHED,
            **period_values(row),
        }
        project = upsert(report, Project, {"slug": row["slug"]}, values, m2m)
        for position, part in enumerate(row.get("participants", [])):
            upsert(
                report,
                ProjectParticipant,
                {
                    "project": project,
                    "organisation": organisations[part["organisation"]],
                    "role": part["role"],
                },
                {"position": position},
            )

    by_name, counties = read_municipality_codes()
    sweden = countries["SE"]
    for row in read_toml("grant_rounds.toml")["round"]:
        participants = []
        for p in row.pop("participants"):
            former = p.get("former_names", [])
            org = upsert(
                report,
                Organisation,
                {"slug": slugify(p["name"])},
                municipality_values(p, by_name, counties, sweden),
            )
            seed_former_names(report, org, former)
            participants.append(org)
        m2m = {
            "participants": participants,
            "leading_countries": [countries[c] for c in row.pop("leading_countries", [])],
            "themes": [themes[t] for t in row.pop("themes", [])],
        }
        row["programme"] = programmes[row.pop("programme")]
        roles = {
            Role.EXTENDING: organisations[row.pop("grant_maker")],
            Role.FUNDING: organisations[row.pop("funding_source")],
        }
        row["source"] = sources[row.pop("source")]
        grant_round = upsert(report, GrantRound, {"slug": row.pop("slug")}, row, m2m)
        for role, organisation in roles.items():
            upsert(
                report,
                GrantRoundParticipant,
                {"grant_round": grant_round, "role": role},
                {"organisation": organisation},
            )
    return report


def seed_former_names(report, organisation, former):
    for name in former:
        upsert(
            report,
            FormerName,
            {"organisation": organisation, "name": name["name"]},
            {"acronym": name.get("acronym", ""), "kind": name.get("kind", "")},
        )


def period_values(row):
    """start = { date, precision, actual } and the same for end, where a source gives them."""
    values = {}
    for end in ("start", "end"):
        given = row.get(end)
        if given:
            values[f"{end}_date"] = given["date"]
            values[f"{end}_precision"] = given.get("precision", "year")
            values[f"{end}_actual"] = given.get("actual", False)
    return values


def municipality_values(participant, by_name, counties, sweden):
    """Official codes come from SCB's list: a kommun by its name, a region or county
    council by its county's name."""
    kind = participant["kind"]
    if kind == OrganisationKind.MUNICIPALITY:
        ref = by_name[participant["name"]]
        code, county_code = ref["municipality_code"], ref["county_code"]
    else:
        county_code = next(c for c, name in counties.items() if name == participant["county"])
        code = county_code
    return {
        "name_sv": participant["name"],
        "kind": kind,
        "scb_code": code,
        "county_code": county_code,
        "county_name": counties[county_code],
        "country": sweden,
        "publication": Publication.PUBLISHED,
    }
