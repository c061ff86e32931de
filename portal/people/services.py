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

from .models import ApiToken, Membership, Role
from .permissions import sync_user_permissions


@transaction.atomic
def membership_add(*, user, area, role: str, actor=None) -> Membership:
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), errors={"role": [_("Unknown role.")]})
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
