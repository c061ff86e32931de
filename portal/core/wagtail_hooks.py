from wagtail import hooks

from .admin_views import PelitaViewSetGroup


@hooks.register("register_admin_viewset")
def register_pelita_viewsets():
    return PelitaViewSetGroup()
