from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the register: seeding from the sources, demonstration data, backup and
    restore, building the world map's data. The top layer: it may read every app, and no
    app reads it."""

    name = "ops"
    verbose_name = _("Operations")
