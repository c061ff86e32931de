"""The Pelita menu of the back office: the viewsets every app registered from its own wagtail_hooks.py
(portal.core.backoffice.register_backoffice_viewset), shown together."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from .backoffice import backoffice_viewsets


class PelitaViewSetGroup(ModelViewSetGroup):
    menu_label = _("Pelita")
    menu_icon = "folder-open-inverse"
    menu_order = 150

    def __init__(self):
        self.items = tuple(backoffice_viewsets())
        super().__init__()


@hooks.register("register_admin_viewset")
def register_pelita_viewsets():
    return PelitaViewSetGroup()


@hooks.register("construct_reports_menu")
def hide_site_history(request, menu_items):
    """The site-wide history report is unscoped and superusers' only (portal/urls.py): not offered to others."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
