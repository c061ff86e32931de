"""People and their roles. A person holds roles per area (Membership); agency liaisons belong to their
agency's group (portal.agencies); communications staff are in the Wagtail groups Editors / Moderators."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")
    # Raised by "log out everywhere" (portal.people.credentials): part of the session hash, so every session
    # made before it stops authenticating, on the pages, the API and the WebSockets alike.
    credentials_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Names are put inside sentences on every page, list and notification, and the back office's forms are
        # Wagtail's: a direction override typed in a name stops at its end (portal.core.text.contain_bidi).
        from portal.core.text import contain_bidi

        for field in ("first_name", "last_name", "display_name"):
            value = getattr(self, field)
            if value:
                setattr(self, field, contain_bidi(value))
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash, also covering the credentials epoch (epoch 0 keeps Django's very value, so
        sessions made before the field existed stay logged in)."""
        if not self.credentials_epoch:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = f"{self.password}|epoch:{self.credentials_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def shown_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    MEMBER = "anggota", _("Member")
    FACILITATOR = "fasilitator", _("Facilitator")
    CASE_WORKER = "pendamping", _("Case worker")
    COORDINATOR = "koordinator", _("Coordinator")


# Roles that oversee the areas below their own (PRODUCT.md).
OVERSEER_ROLES = (Role.FACILITATOR, Role.COORDINATOR)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("area")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "area", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["area", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.area}"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pelita_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"

    def is_valid(self) -> bool:
        return self.expires_at > timezone.now()

    @staticmethod
    def hash_key(key: str) -> str:
        return _hash(key)
