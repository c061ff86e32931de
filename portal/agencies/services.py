"""Writes to agencies, their liaisons and the service catalogue. Every change is audited; appointments and
removals of liaisons are also told to the person and to the agency's other liaisons."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.audit.services import audit_log
from portal.core.errors import Forbidden, InvalidInput
from portal.people.models import OVERSEER_ROLES, Membership
from portal.people.permissions import sync_user_permissions

from .models import Agency, Service

AGENCY_FIELDS = ("name", "kind", "area", "email", "phone", "is_active", "accept_starts_work")
SERVICE_FIELDS = (
    "slug",
    "name_id",
    "name_en",
    "need_id",
    "need_en",
    "completion_days",
    "child_protection",
    "position",
)


def _check_manages(*, actor, area) -> None:
    from portal.areas.permissions import user_can_manage_area

    if actor is not None and not user_can_manage_area(user=actor, area=area):
        raise Forbidden(_("You can only manage agencies within the areas you coordinate."))


@transaction.atomic
def agency_create(
    *,
    name: str,
    kind: str,
    area,
    services: list[Service],
    actor=None,
    email: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Agency:
    """A new agency with its own group (its liaisons). Raises Forbidden when the actor does not coordinate
    `area`, ValidationError for invalid fields."""
    _check_manages(actor=actor, area=area)
    base = f"agency:{slugify(name)[:60]}"
    group_name, n = base, 1
    while Group.objects.filter(name=group_name).exists():
        n += 1
        group_name = f"{base}-{n}"
    agency = Agency(
        name=name,
        kind=kind,
        area=area,
        group=Group.objects.create(name=group_name),
        email=email,
        phone=phone,
        is_active=is_active,
    )
    agency.full_clean(exclude=["group"])
    agency.save()
    agency.services.set(services)
    audit_log(actor=actor, action="agency.create", target=agency, detail={"name": name, "area": area.code})
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, actor=None, services: list[Service] | None = None, **changes) -> Agency:
    """Change an agency's fields (`AGENCY_FIELDS`) and services. The actor must coordinate both the agency's
    current area and its new one (a move out of one's subtree, or into it from elsewhere, is refused:
    Forbidden). Audited with the names of the changed fields."""
    unknown = set(changes) - set(AGENCY_FIELDS)
    if unknown:
        raise ValueError(f"unknown agency fields: {sorted(unknown)}")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_manages(actor=actor, area=agency.area)
    if "area" in changes:
        _check_manages(actor=actor, area=changes["area"])
    changed = [field for field, value in changes.items() if getattr(agency, field) != value]
    for field in changed:
        setattr(agency, field, changes[field])
    if changed:
        agency.full_clean(exclude=["group"])
        agency.save(update_fields=changed)
    if services is not None and set(services) != set(agency.services.all()):
        agency.services.set(services)
        changed.append("services")
    if changed:
        audit_log(actor=actor, action="agency.update", target=agency, fields=changed)
    return agency


@transaction.atomic
def agency_delete(*, agency: Agency, actor=None) -> None:
    """Remove an agency that never received a referral (a mistaken entry). Raises InvalidInput when anything
    refers to it: deactivate it instead, so its history stays. Forbidden outside the actor's subtree."""
    _check_manages(actor=actor, area=agency.area)
    liaisons = list(agency.group.user_set.all())
    group = agency.group
    try:
        with transaction.atomic():
            audit_log(actor=actor, action="agency.delete", target=agency, detail={"name": agency.name})
            agency.delete()
            group.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise InvalidInput(
            _("This agency has referrals or other records: deactivate it instead of removing it.")
        ) from exc
    for user in liaisons:
        sync_user_permissions(user)


def liaison_refusal(*, agency: Agency, user, actor=None) -> str | None:
    """Why `user` may not become a liaison of `agency`, or None. The rules (separation of duties: a liaison
    reads the identity of the children referred to the agency, so those who run or oversee the programme must
    not be able to make themselves readers):
    - nobody appoints themselves;
    - a person who oversees the agency's area (a facilitator or coordinator at that area or above it) cannot be
      its liaison;
    - a person with back-office access (coordinators, communications staff, administrators) cannot be one."""
    if actor is not None and actor.pk == user.pk:
        return _("You cannot appoint yourself as a liaison: ask another coordinator.")
    if Membership.objects.filter(
        user=user, role__in=OVERSEER_ROLES, area__code__in=agency.area.lineage_codes
    ).exists():
        return _(
            "%(name)s oversees the area of this agency (facilitator or coordinator) and cannot also be its "
            "liaison."
        ) % {"name": user.shown_name}
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return _(
            "%(name)s works in the back office (coordinator, communications or administrator) and cannot be an "
            "agency liaison."
        ) % {"name": user.shown_name}
    return None


def _tell_liaisons(*, agency: Agency, user, kind: str, actor) -> None:
    from portal.notifications.services import notify

    others = [u for u in agency.group.user_set.filter(is_active=True) if u.pk != user.pk]
    notify(
        recipients=[user, *others],
        kind=kind,
        params={"agency": agency.name, "person": user.shown_name},
        url="",
        actor=actor,
    )


@transaction.atomic
def agency_liaison_add(*, agency: Agency, user, actor=None) -> None:
    """Appoint `user` as a liaison of `agency` (they then see the referrals sent to it). Raises InvalidInput
    with the reason (liaison_refusal) and Forbidden when the actor does not coordinate the agency's area.
    Audited; the person and the agency's other liaisons are told."""
    if actor is not None:
        _check_manages(actor=actor, area=agency.area)
        refusal = liaison_refusal(agency=agency, user=user, actor=actor)
        if refusal:
            raise InvalidInput(refusal, errors={"add_liaison": [refusal]})
    if not user.groups.filter(pk=agency.group_id).exists():
        user.groups.add(agency.group)
        audit_log(actor=actor, action="agency.liaison_add", target=agency, detail={"user": user.username})
        sync_user_permissions(user)
        _tell_liaisons(agency=agency, user=user, kind="agency.liaison_added", actor=actor)


@transaction.atomic
def agency_liaison_remove(*, agency: Agency, user, actor=None) -> None:
    """End `user`'s appointment as a liaison of `agency` (their access to its referrals ends at once).
    Forbidden outside the actor's subtree. Audited; the person and the other liaisons are told."""
    if actor is not None:
        _check_manages(actor=actor, area=agency.area)
    if user.groups.filter(pk=agency.group_id).exists():
        user.groups.remove(agency.group)
        audit_log(actor=actor, action="agency.liaison_remove", target=agency, detail={"user": user.username})
        sync_user_permissions(user)
        _tell_liaisons(agency=agency, user=user, kind="agency.liaison_removed", actor=actor)


@transaction.atomic
def service_save(*, service: Service | None = None, actor, **values) -> Service:
    """Create (service=None) or change an entry of the national service catalogue. Superusers only
    (Forbidden otherwise). Audited with the changed field names; a change of `child_protection` — the flag that
    lets an urgent referral go without the caregiver's consent — is audited on its own with the old and new
    value."""
    if actor is None or not actor.is_superuser:
        raise Forbidden(_("Only an administrator can change the service catalogue."))
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown service fields: {sorted(unknown)}")
    created = service is None
    service = Service() if created else Service.objects.select_for_update().get(pk=service.pk)
    old_flag = service.child_protection
    changed = [field for field, value in values.items() if getattr(service, field) != value]
    for field in changed:
        setattr(service, field, values[field])
    service.full_clean()
    service.save()
    if created or changed:
        audit_log(
            actor=actor,
            action="service.create" if created else "service.update",
            target=service,
            fields=changed,
        )
    if not created and "child_protection" in changed:
        audit_log(
            actor=actor,
            action="service.child_protection",
            target=service,
            fields=["child_protection"],
            detail={"from": old_flag, "to": service.child_protection, "slug": service.slug},
        )
    return service
