from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self):
        from . import checks, lookups  # noqa: F401 - checks registers the start-up checks
        from .offline import SW_PART, service_worker_part
        from .serviceworker import register_service_worker_part

        register_service_worker_part(SW_PART, service_worker_part)  # offline reading and writing (issue 16)
        lookups.register()  # out-of-range integers and edge-of-calendar times never reach the database
        from portal.people.permissions import register_permission_sync

        from .context_processors import forget_navigation

        # Roles changed: the header's sections change with them.
        register_permission_sync(forget_navigation)
