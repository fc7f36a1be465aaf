from django.conf import settings
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat, Substr

from core.exports import Column, Dataset, choice_label, joined
from reference.models import FormerName, OrganisationKind


def org_id(prefix=""):
    """SE-ON-NNNNNN-NNNN where the organisation number is known, otherwise an identifier
    under the register's 360Giving prefix: 360G-<prefix>-org-<slug> (README)."""
    number = F(f"{prefix}org_number")
    return Case(
        When(
            **{f"{prefix}org_number__isnull": False},
            then=Concat(Value("SE-ON-"), Substr(number, 1, 6), Value("-"), Substr(number, 7, 4)),
        ),
        default=Concat(Value(f"360G-{settings.GRANTS_360_PREFIX}-org-"), F(f"{prefix}slug")),
        output_field=CharField(),
    )


def organisation_dataset(extra_columns=(), extra_annotations=None):
    return Dataset(
        columns=[
            Column("id", "id", "number"),
            Column("slug", "slug"),
            Column("name", "name_sv"),
            Column("name_en", "name_en"),
            Column("acronym", "acronym"),
            Column("kind", "kind"),
            Column("kind_label", "x_kind_label"),
            Column("code", "scb_code"),
            Column("county_code", "county_code"),
            Column("county_name", "county_name"),
            Column("org_id", "x_org_id"),
            Column("iati_ref", "iati_ref"),
            Column("former_names", "x_former_names"),
            *extra_columns,
        ],
        annotations={
            "x_kind_label": choice_label("kind", OrganisationKind.choices),
            "x_org_id": Case(When(org_number__isnull=False, then=org_id()), default=Value("")),
            "x_former_names": joined(FormerName, "organisation_id", "name", "name"),
            **(extra_annotations or {}),
        },
    )
