"""Coordinators use the Wagtail admin as their back office: a person with any coordinator membership is in the
"Coordinators" group (admin access and the back-office models), derived like every other grant."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import Membership, Role

COORDINATORS = "Coordinators"
# What coordinators manage in the back office (within their subtree: portal.core.backoffice), and what they may
# only read: the national service catalogue is changed by superusers only.
MODELS = {"areas": ["area"], "agencies": ["agency"], "people": ["membership"]}
READ_ONLY = {"agencies": ["service"]}


def _coordinator_permissions():
    q = Q(content_type__app_label="wagtailadmin", codename="access_admin")
    for app, models in MODELS.items():
        q |= Q(
            content_type__app_label=app,
            content_type__model__in=models,
            codename__regex=r"^(add|change|delete|view)_",
        )
    for app, models in READ_ONLY.items():
        q |= Q(content_type__app_label=app, content_type__model__in=models, codename__startswith="view_")
    return Permission.objects.filter(q)


def coordinators_group() -> Group:
    """The Coordinators group, its permissions kept to exactly MODELS and READ_ONLY (an older install that
    granted more, e.g. changing the service catalogue, is brought back to these)."""
    group, _created = Group.objects.get_or_create(name=COORDINATORS)
    wanted = set(_coordinator_permissions().values_list("pk", flat=True))
    if set(group.permissions.values_list("pk", flat=True)) != wanted:
        group.permissions.set(wanted)
    return group


def sync_coordinator_group(user) -> None:
    is_coordinator = Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()
    group = coordinators_group()
    if is_coordinator:
        user.groups.add(group)
    else:
        user.groups.remove(group)
