from django.utils.translation import gettext_lazy as _

from core.quality import Check, lacks, missing, record_checks

CHECKS = [
    *record_checks(country=missing("country")),
    Check("no-grant", _("without a grant"), lacks("grants")),
]
