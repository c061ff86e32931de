"""Writes to people, memberships and tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import audit_log
from portal.core.errors import InvalidInput

from .models import OVERSEER_ROLES, ApiToken, Membership, Role
from .permissions import sync_user_permissions


def _overseer_refusal(*, user, area, role: str) -> str | None:
    """Separation of duties (the mirror of portal.agencies.services.liaison_refusal): a liaison of an agency
    cannot also oversee its area, and a coordinator (back-office access) cannot be a liaison anywhere."""
    from portal.agencies.models import Agency
    from portal.areas.selectors import areas_within_q

    if role not in OVERSEER_ROLES:
        return None
    agencies = Agency.objects.filter(group__user=user)
    if role != Role.COORDINATOR:
        agencies = agencies.filter(areas_within_q([area.code], field="area__code"))
    if agencies.exists():
        return _("%(name)s is a liaison of an agency in this area and cannot also oversee it.") % {
            "name": user.shown_name
        }
    return None


@transaction.atomic
def membership_add(*, user, area, role: str, actor=None) -> Membership:
    """Give `user` the `role` in `area` (guardian grants follow at once; audited). When a person gives it
    (`actor`), separation of duties holds: a liaison cannot be made an overseer of their agency's area, nor a
    coordinator. Raises InvalidInput."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), errors={"role": [_("Unknown role.")]})
    if actor is not None:
        refusal = _overseer_refusal(user=user, area=area, role=role)
        if refusal:
            raise InvalidInput(refusal, errors={"user": [refusal]})
    membership, created = Membership.objects.get_or_create(user=user, area=area, role=role)
    if created:
        audit_log(
            actor=actor,
            action="membership.add",
            target=membership,
            detail={"user": user.username, "area": area.code, "role": role},
        )
        sync_user_permissions(user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor=None) -> None:
    user = membership.user
    audit_log(
        actor=actor,
        action="membership.remove",
        target=membership,
        detail={"user": user.username, "area": membership.area.code, "role": membership.role},
    )
    membership.delete()
    sync_user_permissions(user)


def token_issue(*, user) -> tuple[str, ApiToken]:
    """A new bearer token; the key is returned once and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=settings.PELITA_API_TOKEN_TTL_DAYS),
    )
    return key, token


def token_user(*, key: str):
    """The active user a bearer key belongs to, or None."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_set_language(*, user, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.is_authenticated and user.language != language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
        user.language = language
        from .signals import language_changed

        language_changed.send(sender=type(user), user=user, language=language)
