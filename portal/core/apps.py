from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self):
        from . import checks, lookups  # noqa: F401 - checks registers the start-up checks

        lookups.register()  # out-of-range integers and edge-of-calendar times never reach the database
        from portal.people.permissions import register_permission_sync

        from .context_processors import forget_navigation

        # Roles changed: the header's sections change with them.
        register_permission_sync(forget_navigation)
