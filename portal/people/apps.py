from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "portal.people"
    label = "people"

    def ready(self):
        from .credentials import connect_signals
        from .groups import sync_coordinator_group
        from .permissions import register_permission_sync

        register_permission_sync(sync_coordinator_group)
        connect_signals()
