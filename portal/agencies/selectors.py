from django.db.models import QuerySet

from portal.areas.models import Area

from .models import Agency, Service


def services_list() -> QuerySet[Service]:
    return Service.objects.all()


def agencies_list(*, area: Area | None = None, service: Service | None = None) -> QuerySet[Agency]:
    """Active agencies; with `area`, those whose jurisdiction covers it (their area is it or above it)."""
    qs = Agency.objects.filter(is_active=True).select_related("area").prefetch_related("services")
    if area is not None:
        qs = qs.filter(area__code__in=area.lineage_codes)
    if service is not None:
        qs = qs.filter(services=service)
    return qs.order_by("name")


def user_agencies(*, user) -> QuerySet[Agency]:
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(group__user=user).order_by("name")


def user_is_liaison(*, user, agency: Agency) -> bool:
    return user.is_authenticated and user.groups.filter(pk=agency.group_id).exists()
