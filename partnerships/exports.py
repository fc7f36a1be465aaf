from django.conf import settings

from core.exports import Column, joined, public_url
from partnerships.models import Grant
from projects.exports import goal_code


def partnership_columns(request):
    return [
        Column("id", lambda p: p.pk),
        Column("slug", lambda p: p.slug),
        Column("title_sv", lambda p: p.title_sv),
        Column("title_en", lambda p: p.title_en),
        Column("summary_sv", lambda p: p.summary_sv),
        Column("country_code", lambda p: p.country_id or ""),
        Column("country_name", lambda p: p.country.name if p.country else ""),
        Column(
            "swedish_participants", lambda p: joined(m.name for m in p.swedish_participants.all())
        ),
        Column(
            "swedish_participant_codes",
            lambda p: joined(m.code or "" for m in p.swedish_participants.all()),
        ),
        Column(
            "partner_governments", lambda p: joined(m.name for m in p.partner_governments.all())
        ),
        Column("goal_numbers", lambda p: joined(goal_code(g) for g in p.goals.all())),
        Column("goal_titles", lambda p: joined(g.title for g in p.goals.all())),
        Column("theme_slugs", lambda p: joined(t.slug for t in p.themes.all())),
        Column("theme_names", lambda p: joined(t.name for t in p.themes.all())),
        Column("status", lambda p: p.status),
        Column("start_year", lambda p: p.start_year),
        Column("end_year", lambda p: p.end_year),
        Column("programme", lambda p: p.programme.name if p.programme else ""),
        Column("url", lambda p: public_url(request, p)),
        Column("updated_at", lambda p: p.updated_at.isoformat(timespec="seconds")),
    ]


def partnership_export_queryset(queryset):
    return queryset.select_related("country", "programme").prefetch_related(
        "swedish_participants", "partner_governments", "goals", "themes"
    )


def grant_columns(request):
    return [
        Column("id", lambda g: g.pk),
        Column("partnership_slug", lambda g: g.partnership.slug),
        Column("partnership_title_sv", lambda g: g.partnership.title_sv),
        Column("year", lambda g: g.year),
        Column("amount_sek_per_year", lambda g: g.amount_sek_per_year),
        Column("duration_years", lambda g: g.duration_years),
        Column("total_sek", lambda g: g.total_sek),
        Column("decided_on", lambda g: g.decided_on.isoformat() if g.decided_on else ""),
        Column("grant_round", lambda g: g.grant_round.title if g.grant_round else ""),
        Column("funder", lambda g: g.funder.name if g.funder else ""),
        Column("country_code", lambda g: g.partnership.country_id or ""),
        Column(
            "country_name", lambda g: g.partnership.country.name if g.partnership.country else ""
        ),
        Column(
            "swedish_participants",
            lambda g: joined(m.name for m in g.partnership.swedish_participants.all()),
        ),
        Column(
            "swedish_participant_codes",
            lambda g: joined(m.code or "" for m in g.partnership.swedish_participants.all()),
        ),
        Column("goal_numbers", lambda g: joined(goal_code(x) for x in g.partnership.goals.all())),
        Column("url", lambda g: public_url(request, g.partnership)),
    ]


def _org_identifier(slug):
    return f"360G-{settings.GRANTS_360_PREFIX}-org-{slug}"


def grant_360giving_columns(request):
    """Column titles of the 360Giving data standard, so the file loads into its tools.
    Identifiers use the 360G- prefix; organisations without an official identifier get
    one made from their slug."""
    prefix = settings.GRANTS_360_PREFIX

    def recipients(g):
        return list(g.partnership.swedish_participants.all())

    def sdgs(g):
        return [x for x in g.partnership.goals.all() if x.is_sdg]

    return [
        Column("Identifier", lambda g: f"360G-{prefix}-{g.pk}"),
        Column("Title", lambda g: g.partnership.title_en or g.partnership.title_sv),
        Column("Description", lambda g: g.partnership.summary_en or g.partnership.summary_sv),
        Column("Currency", lambda g: "SEK"),
        Column("Amount Awarded", lambda g: g.total_sek),
        Column("Award Date", lambda g: g.decided_on.isoformat() if g.decided_on else str(g.year)),
        Column("Planned Dates:Start Date", lambda g: f"{g.year}-01-01"),
        Column("Planned Dates:End Date", lambda g: f"{g.end_year}-12-31"),
        Column("Planned Dates:Duration (months)", lambda g: g.duration_years * 12),
        Column(
            "Recipient Org:Identifier",
            lambda g: joined(_org_identifier(m.slug) for m in recipients(g)),
        ),
        Column("Recipient Org:Name", lambda g: joined(m.name for m in recipients(g))),
        Column(
            "Funding Org:Identifier",
            lambda g: _org_identifier(g.funder.slug if g.funder else prefix),
        ),
        Column("Funding Org:Name", lambda g: g.funder.name_en if g.funder else "ICLD"),
        Column(
            "Grant Programme:Title",
            lambda g: g.partnership.programme.name_en if g.partnership.programme else "",
        ),
        Column(
            "Beneficiary Location:0:Name",
            lambda g: g.partnership.country.name_en if g.partnership.country else "",
        ),
        Column("Beneficiary Location:0:Country Code", lambda g: g.partnership.country_id or ""),
        Column("Classifications:0:Vocabulary", lambda g: "UN Sustainable Development Goals"),
        Column("Classifications:0:Code", lambda g: joined(x.number for x in sdgs(g))),
        Column("Classifications:0:Title", lambda g: joined(x.title_en for x in sdgs(g))),
        Column("URL", lambda g: public_url(request, g.partnership)),
    ]


def grant_export_queryset(partnerships):
    return (
        Grant.objects.filter(partnership__in=partnerships.values("pk"))
        .select_related(
            "partnership",
            "partnership__country",
            "partnership__programme",
            "grant_round",
            "funder",
        )
        .prefetch_related("partnership__swedish_participants", "partnership__goals")
        .order_by("partnership__title_sv", "partnership_id", "year", "id")
    )


def municipality_columns(request):
    return [
        Column("id", lambda m: m.pk),
        Column("slug", lambda m: m.slug),
        Column("name", lambda m: m.name),
        Column("kind", lambda m: m.kind),
        Column("kind_label", lambda m: m.get_kind_display()),
        Column("code", lambda m: m.code or ""),
        Column("county_code", lambda m: m.county_code),
        Column("county_name", lambda m: m.county_name),
        Column("published_partnerships", lambda m: getattr(m, "n_published", "")),
        Column("url", lambda m: public_url(request, m)),
    ]
