"""Checks that `manage.py check --deploy` runs on the open-data settings."""

from django.conf import settings
from django.core import checks


@checks.register("opendata", deploy=True)
def contact_email_is_set(app_configs, **kwargs):
    """Sweden's data portal asks for an e-mail address on the catalogue's contact point;
    the register never guesses one (opendata/dcat.py), so production must set it."""
    if settings.DEBUG or settings.OPEN_DATA_CONTACT_EMAIL:
        return []
    return [
        checks.Warning(
            "OPEN_DATA_CONTACT_EMAIL is not set: the DCAT catalogue's contact point has no "
            "e-mail address, which Sweden's data portal asks for.",
            hint="Set OPEN_DATA_CONTACT_EMAIL to the open-data team's address.",
            id="opendata.W001",
        )
    ]
