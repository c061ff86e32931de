from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person wants one kind of notification delivered."""

    APP = "app", _("In Pelita only")
    EMAIL = "email", _("In Pelita and by e-mail at once")
    DIGEST = "digest", _("In Pelita and in a daily e-mail digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    """One notice for one person. Stored in the same transaction as the action that caused it and pushed to
    the person's sockets after commit. Text and URL never carry a child's identity: the case code is enough."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the link points at, when a product registered it (portal.notifications.targets): hidden once the
    # recipient may no longer see it.
    target_type = models.CharField(max_length=40, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The recipient's preference for this kind when it was made (never OFF: those are not stored).
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.APP)
    # When it went out by e-mail (at once, in a digest or as an "unread" reminder); null: not (yet) e-mailed.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notif_recipient_recent"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread"),
            # The e-mail jobs scan only what is still waiting to be e-mailed.
            models.Index(
                fields=["delivery", "created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notif_email_pending",
            ),
        ]

    def __str__(self):
        return self.text


class NotificationPreference(models.Model):
    """A person's choice for one kind. No row: the default (in Pelita only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.APP)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique")]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


class NotificationSettings(models.Model):
    """Per-person settings that apply to every kind."""

    REMIND_CHOICES = [
        (0, _("Never")),
        (30, _("After 30 minutes")),
        (60, _("After 1 hour")),
        (240, _("After 4 hours")),
        (1440, _("After 1 day")),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    # Notifications delivered "in Pelita only" that are still unread after this many minutes are e-mailed once.
    unread_email_after = models.PositiveIntegerField(
        _("e-mail me what I have not read"), choices=REMIND_CHOICES, default=0
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"{self.user_id}: remind after {self.unread_email_after} min"
