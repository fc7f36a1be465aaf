from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = _("Reference data")

    def ready(self):
        from core.filters import register_contract
        from reference.filters import contract_parameters

        # The contract's parameters, for the page cache and the lists (core.filters).
        register_contract(contract_parameters)
