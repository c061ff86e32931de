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
        _connect_media_rules()
        from . import languages

        languages.connect()


def _connect_media_rules():
    """Issue 19.7: uploads start private; what live pages use becomes public (cms/media.py)."""
    from django.db.models.signals import post_delete, post_save, pre_save
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from . import media

    for model in (get_image_model(), get_document_model()):
        pre_save.connect(media.upload_starts_private, sender=model, dispatch_uid=f"cms.media.private.{model}")

    def page_changed(sender, instance=None, **kwargs):
        if instance is None or isinstance(instance, (Page, PageViewRestriction)):
            # In the publishing transaction: the page and its media change together, or neither does.
            media.media_sync()

    for signal in (page_published, page_unpublished, post_page_move, post_delete):
        signal.connect(page_changed, weak=False, dispatch_uid=f"cms.media.sync.{id(signal)}")
    post_save.connect(
        page_changed, sender=PageViewRestriction, weak=False, dispatch_uid="cms.media.sync.restriction"
    )
