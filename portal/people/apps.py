from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "portal.people"
    label = "people"

    def ready(self):
        from .groups import sync_coordinator_group
        from .permissions import register_permission_sync

        register_permission_sync(sync_coordinator_group)
