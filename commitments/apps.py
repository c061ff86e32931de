from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    label = "commitments"
    verbose_name = _("Commitments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.areas.panels import register_area_panel
        from portal.core.demo import register_demo_seeder
        from portal.core.navigation import register_section
        from portal.core.reporting import register_report_section

        from . import demo
        from .panels import commitments_area_panel
        from .reporting import SECTION

        register_demo_seeder("commitments", demo.seed, order=40)
        register_section(
            url_name="commitments:index",
            title=_("Commitments"),
            description=_("Policies and budgets for these children, from the village to the province."),
            audience="anyone",
            order=45,
        )
        register_area_panel("commitments", commitments_area_panel, order=30)
        register_report_section(SECTION)
