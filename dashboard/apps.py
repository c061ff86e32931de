from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from portal.core.demo import register_demo_seeder
        from portal.core.navigation import register_section
        from portal.core.reporting import register_area_count

        from . import summaries
        from .selectors import children_registered_counts

        register_area_count("children_registered", children_registered_counts)
        # Writes mark the summaries stale; the demo (written partly with update()) is summarised last.
        summaries.connect()
        register_demo_seeder("dashboard", lambda context: summaries.summaries_rebuild(), order=90)

        register_section(
            url_name="dashboard:index",
            title=_("Dashboard"),
            description=_("Figures for your areas."),
            audience="overseer",
            order=40,
        )
