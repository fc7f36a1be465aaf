from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.quality import Check, old_draft
from reference.models import SWEDISH_LOCAL_KINDS, OrganisationKind

MUNICIPAL_KINDS = [*SWEDISH_LOCAL_KINDS, OrganisationKind.PARTNER_GOVERNMENT]


def no_identifiers(model):
    """Not a municipality, county council, region or partner local government, and no
    organisation number, SCB code or IATI reference."""
    return (
        ~Q(kind__in=MUNICIPAL_KINDS)
        & Q(org_number__isnull=True)
        & Q(scb_code__isnull=True)
        & Q(iati_ref__isnull=True)
    )


ORGANISATION_CHECKS = [
    Check("no-identifiers", _("(not municipalities) without identifiers"), no_identifiers),
    Check("old-drafts", _("drafts older than 30 days"), old_draft),
]
