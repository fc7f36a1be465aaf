"""Loads the documents' facts in seeds/ into the database. Idempotent: a second run
changes nothing, an edited seed value updates its row."""

import csv
import tomllib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from core.models import Country, FormerName, Goal, Organisation, Programme, Publication, Theme
from core.services import sync_countries
from partnerships.models import GrantRound, Municipality, MunicipalityKind
from projects.models import Project

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"


def read_toml(name):
    with open(SEEDS_DIR / name, "rb") as handle:
        return tomllib.load(handle)


def read_municipality_codes():
    """{municipality name: row} and {county code: county name} from the SCB list."""
    with open(SEEDS_DIR / "swedish_municipalities.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {r["municipality_name"]: r for r in rows}, {
        r["county_code"]: r["county_name"] for r in rows
    }


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
    organisations = {}
    for row in data["organisation"]:
        former = row.pop("former_names", [])
        row["country"] = countries.get(row.pop("country", None))
        row["parent"] = organisations.get(row.pop("parent", None))
        for key in ("acronym", "description_sv", "description_en"):
            row.setdefault(key, "")
        org = upsert(report, Organisation, {"slug": row.pop("slug")}, row)
        organisations[org.slug] = org
        for name in former:
            upsert(
                report,
                FormerName,
                {"organisation": org, "name": name["name"]},
                {"acronym": name.get("acronym", "")},
            )
    programmes = {}
    for row in data["programme"]:
        row["owner"] = organisations[row.pop("owner")]
        row["funder"] = organisations[row.pop("funder")]
        slug = row.pop("slug")
        programmes[slug] = upsert(report, Programme, {"slug": slug}, row)

    data = read_toml("projects.toml")
    sources = {key: value["sv"] for key, value in data["source"].items()}
    for row in data["project"]:
        m2m = {
            "countries": [countries[c] for c in row.pop("countries", [])],
            "goals": [goals[("sdg", n)] for n in row.pop("goals", [])]
            + [goals[("mdg", n)] for n in row.pop("mdgs", [])],
            "themes": [themes[t] for t in row.pop("themes", [])],
        }
        values = {
            "title_sv": row["title_sv"],
            "title_en": row.get("title_en", ""),
            "summary_sv": row.get("summary_sv", ""),
            "summary_en": row.get("summary_en", ""),
            "programme": programmes.get(row.get("programme")),
            "status": row.get("status", ""),
            "start_year": row.get("start_year"),
            "end_year": row.get("end_year"),
            "implementer": organisations.get(row.get("implementer")),
            "funder": organisations.get(row.get("funder")),
            "source": sources.get(row.get("source"), ""),
            "publication": Publication.PUBLISHED,
        }
        upsert(report, Project, {"slug": row["slug"]}, values, m2m)

    by_name, counties = read_municipality_codes()
    sweden = countries["SE"]
    for row in read_toml("grant_rounds.toml")["round"]:
        participants = []
        for p in row.pop("participants"):
            participants.append(
                upsert(
                    report,
                    Municipality,
                    {"slug": slugify(p["name"])},
                    municipality_values(p, by_name, counties, sweden),
                )
            )
        m2m = {
            "participants": participants,
            "leading_countries": [countries[c] for c in row.pop("leading_countries", [])],
            "themes": [themes[t] for t in row.pop("themes", [])],
        }
        row["programme"] = programmes[row.pop("programme")]
        upsert(report, GrantRound, {"slug": row.pop("slug")}, row, m2m)
    return report


def municipality_values(participant, by_name, counties, sweden):
    """Official codes come from SCB's list: a kommun by its name, a region or county
    council by its county's name."""
    kind = participant["kind"]
    if kind == MunicipalityKind.MUNICIPALITY:
        ref = by_name[participant["name"]]
        code, county_code = ref["municipality_code"], ref["county_code"]
    else:
        county_code = next(c for c, name in counties.items() if name == participant["county"])
        code = county_code
    return {
        "name": participant["name"],
        "kind": kind,
        "code": code,
        "county_code": county_code,
        "county_name": counties[county_code],
        "country": sweden,
        "publication": Publication.PUBLISHED,
    }
