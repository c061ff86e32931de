"""Guardian grants on areas, derived from coordinator memberships: a coordinator holds `areas.manage_area` on
the area of each coordinator membership (and so oversees everything below it)."""

from django.db import transaction
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from portal.people.models import Membership, Role

from .models import Area

MANAGE = "areas.manage_area"


@transaction.atomic
def sync_area_permissions(user) -> None:
    wanted = set(
        Membership.objects.filter(user=user, role=Role.COORDINATOR).values_list("area_id", flat=True)
    )
    held = set(
        get_objects_for_user(
            user, MANAGE, klass=Area, with_superuser=False, accept_global_perms=False
        ).values_list("pk", flat=True)
    )
    for area in Area.objects.filter(pk__in=held - wanted):
        remove_perm(MANAGE, user, area)
    for area in Area.objects.filter(pk__in=wanted - held):
        assign_perm(MANAGE, user, area)


def user_can_manage_area(*, user, area: Area) -> bool:
    """True for a superuser or a person holding manage_area on this area or one above it."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        get_objects_for_user(user, MANAGE, klass=Area, with_superuser=False, accept_global_perms=False)
        .filter(code__in=area.lineage_codes)
        .exists()
    )
