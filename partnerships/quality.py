from django.utils.translation import gettext_lazy as _

from core.quality import Check, lacks, missing, record_checks
from reference.models import Role

CHECKS = [
    *record_checks(country=missing("country")),
    Check(
        "no-partner",
        _("without a partner local government"),
        lacks("participants", role=Role.PARTNER_GOVERNMENT),
        fact="partner",
    ),
    Check("no-grant", _("without a grant"), lacks("grants"), fact="grants"),
]
