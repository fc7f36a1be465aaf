from core.exports import Column, Dataset, choice_label, joined
from reference.models import FormerName, OrganisationKind, org_id_expression


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
            "x_org_id": org_id_expression(),
            "x_former_names": joined(FormerName, "organisation_id", "name", "name"),
            **(extra_annotations or {}),
        },
    )
