"""The project's URLs plus a view that fails with a child's name in its exception, for the error page tests."""

from django.urls import path

from portal.urls import handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns

CHILD_NAME = "Siti Nurhaliza Binti Ahmad"
NIK = "5202014107150003"


def boom(request):
    raise RuntimeError(f"could not load case of {CHILD_NAME} NIK {NIK}")


def boom_database(request):
    from django.db import OperationalError

    raise OperationalError(f"connection to server failed while reading {CHILD_NAME}")


urlpatterns = [
    path("boom/", boom),
    path("boom-db/", boom_database),
    path("api/v1/boom/", boom),
    *portal_urlpatterns,
]
