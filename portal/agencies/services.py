from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from portal.audit.services import audit_log
from portal.people.permissions import sync_user_permissions

from .models import Agency, Service


@transaction.atomic
def agency_create(
    *, name: str, kind: str, area, services: list[Service], actor=None, email: str = ""
) -> Agency:
    base = f"agency:{slugify(name)[:60]}"
    group_name, n = base, 1
    while Group.objects.filter(name=group_name).exists():
        n += 1
        group_name = f"{base}-{n}"
    agency = Agency(name=name, kind=kind, area=area, group=Group.objects.create(name=group_name), email=email)
    agency.full_clean(exclude=["group"])
    agency.save()
    agency.services.set(services)
    audit_log(actor=actor, action="agency.create", target=agency, detail={"name": name, "area": area.code})
    return agency


@transaction.atomic
def agency_liaison_add(*, agency: Agency, user, actor=None) -> None:
    if not user.groups.filter(pk=agency.group_id).exists():
        user.groups.add(agency.group)
        audit_log(actor=actor, action="agency.liaison_add", target=agency, detail={"user": user.username})
        sync_user_permissions(user)


@transaction.atomic
def agency_liaison_remove(*, agency: Agency, user, actor=None) -> None:
    if user.groups.filter(pk=agency.group_id).exists():
        user.groups.remove(agency.group)
        audit_log(actor=actor, action="agency.liaison_remove", target=agency, detail={"user": user.username})
        sync_user_permissions(user)
