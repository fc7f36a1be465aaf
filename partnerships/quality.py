from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.quality import Check, lacks, missing, record_checks
from partnerships.models import PartnershipParticipant
from reference.models import Role


def no_partner(model):
    partners = PartnershipParticipant.objects.filter(
        partnership=OuterRef("pk"), role=Role.PARTNER_GOVERNMENT
    )
    return ~Q(Exists(partners))


def _no_partner_over_many(model):
    # As core.quality.lacks counts over many records: NOT IN the ids, hashed once.
    partners = PartnershipParticipant.objects.filter(role=Role.PARTNER_GOVERNMENT)
    return ~Q(pk__in=partners.values("partnership_id"))


no_partner.over_many = _no_partner_over_many


CHECKS = [
    *record_checks(country=missing("country")),
    Check(
        "no-partner",
        _("without a partner local government"),
        no_partner,
        fact="partner",
    ),
    Check("no-grant", _("without a grant"), lacks("grants"), fact="grants"),
]
