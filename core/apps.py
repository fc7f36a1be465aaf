from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Building blocks")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.cache import bump_data_version

        register_apps = set(settings.REGISTER_APPS)
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_bump_for_register(register_apps, bump_data_version), weak=False)


def _bump_for_register(apps, bump):
    def receiver(sender, **kwargs):
        if sender._meta.app_label in apps or getattr(sender._meta, "auto_created", False):
            bump()

    return receiver
