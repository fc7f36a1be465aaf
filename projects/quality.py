from django.utils.translation import gettext_lazy as _

from core.quality import Check, all_of, lacks, missing, record_checks

CHECKS = [
    *record_checks(country=lacks("countries")),
    Check(
        "no-budget",
        _("without a budget"),
        all_of(missing("budget_sek"), lacks("yearly_budgets")),
        fact="budget",
    ),
    Check("no-participants", _("without participants"), lacks("participants"), fact="participants"),
]
