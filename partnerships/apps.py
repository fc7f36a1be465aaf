from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships and grants")

    def ready(self):
        from core.triggers import kept_on_sqlite
        from partnerships import coverage, facts, figures, tallies

        # The read models' triggers on SQLite are made after every migrate (core.triggers).
        kept_on_sqlite(self, figures, facts, coverage, tallies)
