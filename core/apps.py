from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Building blocks")

    def ready(self):
        from django.apps import apps
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        # Every model of the register's apps (their many-to-many tables included): a
        # change makes every cached page stale (core.cache). Writes that send no signal
        # (bulk_create, update) are followed by bump_data_version() where they happen.
        register_apps = set(settings.REGISTER_APPS)
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in register_apps:
                post_save.connect(_written, sender=model, weak=False)
                post_delete.connect(_written, sender=model, weak=False)
                m2m_changed.connect(_relations_written, sender=model, weak=False)
        post_migrate.connect(_create_cache_table, sender=self)

        # A draft at the far end of a foreign key reads as None on public pages and files.
        from core.models import PublishableModel
        from core.publication import guard_relations

        guard_relations(apps.get_models(), PublishableModel)

        # Failed logins counted per client address (core.logins).
        from django.contrib.auth.signals import user_login_failed

        from core.logins import count_failed_login

        user_login_failed.connect(count_failed_login, dispatch_uid="core.count_failed_login")

        # An archived register refuses every write to its tables (core.readonly).
        from django.db.backends.signals import connection_created

        from core.readonly import install_guard

        connection_created.connect(install_guard, dispatch_uid="core.readonly_guard")

        from core import pdf  # noqa: F401 - registers its system check

        # `<key>__among=[ids]`: a list of ids as one bound parameter (core.lookups).
        from core.lookups import register

        register()


def _written(sender, using=None, **kwargs):
    from core.cache import bump_data_version

    bump_data_version(using)


def _relations_written(sender, action, using=None, **kwargs):
    if action.startswith("post_"):
        _written(sender, using)


def _create_cache_table(using="default", verbosity=1, **kwargs):
    """The database cache's table comes with `migrate` (createcachetable does nothing when
    the table exists or the cache is Redis), so every database that is migrated has it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


class RegisterAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the register's site (core.admin.RegisterAdminSite). Its base is
    reached through its module so that Django does not take it for this app's config."""

    default = False
    default_site = "core.admin.RegisterAdminSite"
