"""Who holds which role where. Permission checks that follow the area tree read from here."""

from django.db.models import Q, QuerySet

from portal.areas.models import Area, ancestor_codes

from .models import OVERSEER_ROLES, Membership, Role


def user_memberships(*, user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("area").order_by("area__code", "role")


def user_roles_in_area(*, user, area: Area) -> set[str]:
    """Roles the person holds in this very area."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, area=area).values_list("role", flat=True))


def user_oversees_area(*, user, area: Area, roles=OVERSEER_ROLES, include_self: bool = True) -> bool:
    """True when the person holds one of `roles` in this area (if include_self) or in one of its ancestors."""
    if not user.is_authenticated:
        return False
    codes = ancestor_codes(area.code) + ([area.code] if include_self else [])
    if not codes:
        return False
    return Membership.objects.filter(user=user, role__in=roles, area__code__in=codes).exists()


def user_belongs_to_or_oversees(*, user, area: Area) -> bool:
    """True when the person holds any role in this very area, or an overseer role above it: who may read the
    area's forum (a forum is created when first needed, so this is asked before any grant exists). One query."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        Q(user=user, area=area)
        | Q(user=user, role__in=OVERSEER_ROLES, area__code__in=ancestor_codes(area.code))
    ).exists()


def user_works_in_area(*, user, area: Area, role: str = Role.CASE_WORKER) -> bool:
    """True when the person holds `role` in this area or in an area above it (a desa case worker works in its dusun)."""
    return user_oversees_area(user=user, area=area, roles=(role,))


def user_area_codes(*, user, roles=None) -> list[str]:
    qs = Membership.objects.filter(user=user)
    if roles:
        qs = qs.filter(role__in=roles)
    return list(qs.values_list("area__code", flat=True).distinct())


def area_members(*, area: Area, roles=None) -> QuerySet:
    from django.contrib.auth import get_user_model

    q = Q(memberships__area=area)
    if roles:
        q &= Q(memberships__role__in=roles)
    return get_user_model().objects.filter(q).distinct()


def area_overseers(*, area: Area, roles=OVERSEER_ROLES, include_self: bool = True) -> QuerySet:
    """People holding one of `roles` in this area or above it (e.g. the facilitators to raise a problem to)."""
    from django.contrib.auth import get_user_model

    codes = ancestor_codes(area.code) + ([area.code] if include_self else [])
    return (
        get_user_model()
        .objects.filter(memberships__area__code__in=codes, memberships__role__in=roles)
        .distinct()
    )
