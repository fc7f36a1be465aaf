from core.exports import Column, joined, public_url


def goal_code(goal):
    return str(goal.number) if goal.is_sdg else f"MDG{goal.number}"


def project_columns(request):
    return [
        Column("id", lambda p: p.pk),
        Column("slug", lambda p: p.slug),
        Column("title_sv", lambda p: p.title_sv),
        Column("title_en", lambda p: p.title_en),
        Column("summary_sv", lambda p: p.summary_sv),
        Column("status", lambda p: p.status),
        Column("status_label", lambda p: p.get_status_display()),
        Column("start_year", lambda p: p.start_year),
        Column("end_year", lambda p: p.end_year),
        Column("country_codes", lambda p: joined(c.code for c in p.countries.all())),
        Column("country_names", lambda p: joined(c.name for c in p.countries.all())),
        Column("goal_numbers", lambda p: joined(goal_code(g) for g in p.goals.all())),
        Column("goal_titles", lambda p: joined(g.title for g in p.goals.all())),
        Column("theme_slugs", lambda p: joined(t.slug for t in p.themes.all())),
        Column("theme_names", lambda p: joined(t.name for t in p.themes.all())),
        Column("programme", lambda p: p.programme.name if p.programme else ""),
        Column("implementer", lambda p: p.implementer.name if p.implementer else ""),
        Column("funder", lambda p: p.funder.name if p.funder else ""),
        Column("url", lambda p: public_url(request, p)),
        Column("updated_at", lambda p: p.updated_at.isoformat(timespec="seconds")),
    ]


def export_queryset(queryset):
    return queryset.select_related("programme", "implementer", "funder").prefetch_related(
        "countries", "goals", "themes"
    )
