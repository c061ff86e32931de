from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _setup_site(sender, **kwargs):
    from .services import cms_setup

    cms_setup()


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Public site and stories")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The site tree, groups and workflow after every migrate (and after a test database flush).
        post_migrate.connect(_setup_site, sender=self, dispatch_uid="cms.setup_site")
        # The workflow notifications are Wagtail signal receivers declared with the admin hooks; importing
        # the module here connects them even where the admin URLs are never loaded (services, tests).
        from portal.core.demo import register_demo_seeder

        from . import (
            demo,
            wagtail_hooks,  # noqa: F401
        )

        register_demo_seeder("cms", demo.seed, order=40)
