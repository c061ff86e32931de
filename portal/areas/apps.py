from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "portal.areas"
    label = "areas"

    def ready(self):
        from portal.people.permissions import register_permission_sync

        from .permissions import sync_area_permissions

        register_permission_sync(sync_area_permissions)
