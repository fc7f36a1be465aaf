from django.utils.translation import gettext_lazy as _

from core.quality import Check, missing, record_checks
from partnerships.facts import unstated

# What links state of a partnership is read from the read model (partnerships/facts.py).
CHECKS = [
    *record_checks(
        country=missing("country"), goals=unstated("goals"), sources=unstated("sources")
    ),
    Check(
        "no-partner",
        _("without a partner local government"),
        unstated("partners"),
        fact="partner",
    ),
    Check("no-grant", _("without a grant"), unstated("grants"), fact="grants"),
]
