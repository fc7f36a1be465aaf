"""The register's groups and their permissions (DESIGN.md, Roles). Used by a data migration
so that a fresh `migrate` gives working groups; rerunning it brings them up to date."""

REGISTER_APPS = ("reference", "projects", "partnerships", "corrections")
REFERENCE_MODELS = {"goal", "country"}  # filled from seeds and libraries, not typed by editors
# Rows that belong to a record (inline rows in the admin), which editors may remove.
EDITOR_DELETABLE = {
    "grant",
    "formername",
    "projectparticipant",
    "partnershipparticipant",
    "projectbudget",
    "programmeparticipant",
    "grantroundparticipant",
    "grantparticipant",
}
PUBLISHABLE = {"project", "partnership", "organisation", "programme"}

EDITORS = "Editors"
STAFF = "Staff"
ADMINISTRATORS = "Administrators"


def wanted_codenames(models):
    """{group name: set of (app_label, codename)} for the given [(app_label, model_name)]."""
    staff, editors, admins = set(), set(), set()
    for app_label, model in models:
        view = (app_label, f"view_{model}")
        staff.add(view)
        editors.add(view)
        admins.update(
            {(app_label, f"{action}_{model}") for action in ("add", "change", "delete", "view")}
        )
        if model not in REFERENCE_MODELS:
            editors.update({(app_label, f"add_{model}"), (app_label, f"change_{model}")})
        if model in EDITOR_DELETABLE:
            editors.add((app_label, f"delete_{model}"))
        if model in PUBLISHABLE:
            editors.add((app_label, f"publish_{model}"))
            admins.add((app_label, f"publish_{model}"))
    export = ("reference", "export_data")
    staff.add(export)
    editors.add(export)
    admins.add(export)
    for model in ("user", "group"):
        admins.update(
            {("auth", f"{action}_{model}") for action in ("add", "change", "delete", "view")}
        )
    return {STAFF: staff, EDITORS: editors, ADMINISTRATORS: admins}


def sync_groups(apps):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, which is how
        # migrations' historical app configs look.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    present = {config.label for config in apps.get_app_configs()}
    models = [
        (model._meta.app_label, model._meta.model_name)
        for app_label in REGISTER_APPS
        if app_label in present  # an app whose first migration has not run yet
        for model in apps.get_app_config(app_label).get_models()
        if not model._meta.model_name.startswith("historical")
        # a read model the database keeps has no permissions: nobody edits it
        and model._meta.default_permissions
    ]
    for name, codenames in wanted_codenames(models).items():
        group, _created = Group.objects.get_or_create(name=name)
        perms = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in sorted(codenames)
        ]
        group.permissions.set(perms)
