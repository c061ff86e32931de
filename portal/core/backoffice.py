"""The back office's shared base: every app registers its Wagtail admin viewsets from its own `wagtail_hooks.py`
on the scoped base below, and they appear together under one "Pelita" menu (portal/core/wagtail_hooks.py).
Coordinators see and manage what lies in their area subtree; writes go through the same services as the rest
of Pelita."""

from wagtail.admin.views.generic import models as generic

from portal.areas.selectors import areas_within_q
from portal.core.errors import PelitaError
from portal.people.models import Role
from portal.people.selectors import user_area_codes

# (order, viewset) pairs registered by each app's wagtail_hooks.py; read when Wagtail builds its admin URLs.
_VIEWSETS: list[tuple[int, object]] = []


def register_backoffice_viewset(viewset, *, order: int = 100):
    """Put `viewset` (a ModelViewSet instance) under the Pelita menu, sorted by `order`. Call it at import time
    of an app's wagtail_hooks.py."""
    if all(existing.name != viewset.name for _, existing in _VIEWSETS):
        _VIEWSETS.append((order, viewset))
    return viewset


def backoffice_viewsets() -> list:
    return [viewset for _, viewset in sorted(_VIEWSETS, key=lambda pair: pair[0])]


def coordinated_codes(user) -> list[str] | None:
    """None for a superuser (everything), else the codes of the areas the person coordinates."""
    if user.is_superuser:
        return None
    return user_area_codes(user=user, roles=[Role.COORDINATOR])


def scope(queryset, user, field):
    codes = coordinated_codes(user)
    return queryset if codes is None else queryset.filter(areas_within_q(codes, field=field))


class ScopedIndexView(generic.IndexView):
    scope_field = "area__code"

    def get_base_queryset(self):
        return scope(super().get_base_queryset(), self.request.user, self.scope_field)


def add_service_errors(form, exc: PelitaError):
    for field, messages in (exc.errors or {"__all__": [exc.message]}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
