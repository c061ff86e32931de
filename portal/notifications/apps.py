from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"

    def ready(self):
        from django.contrib.staticfiles import finders

        from portal.core.serviceworker import register_service_worker_part

        def push_part() -> str:
            path = finders.find("notifications/sw-push.js")
            with open(path, encoding="utf-8") as script:
                return script.read()

        register_service_worker_part("notifications.push", push_part)

        from portal.core.home import register_home_panel

        from .home import mentions_home_panel

        register_home_panel("mentions", mentions_home_panel, order=1)
