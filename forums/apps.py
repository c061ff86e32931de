from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from portal.people.permissions import register_permission_sync

        from .permissions import sync_forum_permissions

        register_permission_sync(sync_forum_permissions)
