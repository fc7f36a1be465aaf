from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "reference"
    verbose_name = _("Reference data")

    def ready(self):
        from core.pagecache import register_parameters
        from reference.filters import contract_parameters

        # Pages are cached only with the filter contract's parameters (core.pagecache).
        register_parameters(contract_parameters)
