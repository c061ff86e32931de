"""Coordinators use the Wagtail admin as their back office: a person with any coordinator membership is in the
"Coordinators" group (admin access and the back-office models), derived like every other grant."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Membership, Role

COORDINATORS = "Coordinators"
MODELS = {"areas": ["area"], "agencies": ["agency", "service"], "people": ["membership"]}


def coordinators_group() -> Group:
    group, created = Group.objects.get_or_create(name=COORDINATORS)
    if created or not group.permissions.exists():
        q = Q(content_type__app_label="wagtailadmin", codename="access_admin")
        for app, models in MODELS.items():
            q |= Q(
                content_type__app_label=app,
                content_type__model__in=models,
                codename__regex=r"^(add|change|delete|view)_",
            )
        group.permissions.set(Permission.objects.filter(q))
    return group


def sync_coordinator_group(user) -> None:
    is_coordinator = Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    group = coordinators_group()
    if is_coordinator:
        user.groups.add(group)
    else:
        user.groups.remove(group)
