import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a person wants one kind of notification delivered."""

    INSTANT = "instant", _("At once, on my channels")
    APP = "app", _("In Pelita only")
    # Chosen before channels existed: e-mail at once (to the account's address) and nothing else.
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
    # When the "still unread" reminder about it went out (once).
    reminded_at = models.DateTimeField(null=True, blank=True)

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
    """A person's choice for one kind. No row: the default for their roles (RoleNotificationDefault), else the
    built-in one (at once on every verified channel for the kinds that ask to act, the daily digest for the
    rest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.APP)
    # Channels the person switched off for this kind ("at once" goes to every other verified channel).
    muted_channels = models.JSONField(_("channels switched off"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique")]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


class NotificationSettings(models.Model):
    """Per-person settings that apply to every kind."""

    # Working minutes (08:00-16:00 WITA on working days: portal.notifications.workhours).
    REMIND_CHOICES = [
        (0, _("Never")),
        (60, _("After 1 working hour")),
        (240, _("After 4 working hours")),
        (480, _("After 1 working day")),
    ]
    DEFAULT_REMIND = 240

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    # Actionable (or "in Pelita only") notifications still unread after this many working minutes are e-mailed
    # once.
    unread_email_after = models.PositiveIntegerField(
        _("e-mail me what I have not read"), choices=REMIND_CHOICES, default=DEFAULT_REMIND
    )
    # Nothing but urgent child-protection notices goes to a phone (SMS, WhatsApp, push) between these (WITA).
    quiet_start = models.TimeField(_("quiet hours from"), default=datetime.time(21, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=datetime.time(6, 0))

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"{self.user_id}: remind after {self.unread_email_after} min"


class RoleNotificationDefault(models.Model):
    """An administrator's default for one kind for the people of one audience (a role, "liaison", "editor"):
    used when the person has made no choice for that kind. A person of several audiences gets the default that
    reaches them most (at once > e-mail > digest > in Pelita > off)."""

    role = models.CharField(_("role"), max_length=16)
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices)
    muted_channels = models.JSONField(_("channels switched off"), default=list, blank=True)

    class Meta:
        verbose_name = _("default notification setting for a role")
        verbose_name_plural = _("default notification settings for roles")
        constraints = [models.UniqueConstraint(fields=["role", "kind"], name="notif_role_default_unique")]
        ordering = ["role", "kind"]

    def __str__(self):
        return f"{self.role} {self.kind}: {self.delivery}"


class ContactPoint(models.Model):
    """Where one channel reaches a person: an e-mail address, a phone number (SMS, WhatsApp). Nothing is sent
    to it before it is verified (a signed link for e-mail, a one-time code for a phone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_points"
    )
    channel = models.CharField(_("channel"), max_length=16)
    address = models.CharField(_("address"), max_length=254)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    # A phone's one-time code: its hash, when it expires and how many wrong tries were made.
    code_hash = models.CharField(max_length=128, blank=True, default="")
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="notif_contact_unique")]

    def __str__(self):
        return f"{self.user_id} {self.channel}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GAVE_UP = "gave_up", _("Given up")
    SKIPPED = "skipped", _("Not sent")


class NotificationDelivery(models.Model):
    """One notification on its way to one person through one channel. The row is the queue: a worker claims
    it (queued → sending, with SELECT … FOR UPDATE SKIP LOCKED), sends, and records the outcome; a failure is
    retried with backoff until MAX_ATTEMPTS, then given up. A worker killed mid-send leaves the row "sending"
    with its lease: it is taken again only after the lease ran out (portal.notifications.delivery)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=16)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("reason"), max_length=300, blank=True, default="")
    # The provider's id of the message (to reconcile with its delivery reports).
    provider_id = models.CharField(max_length=120, blank=True, default="")
    # Sent together with another delivery (several within a few minutes collapsed into one message).
    collapsed_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notif_delivery_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["queued", "failed", "sending"]),
                name="notif_delivery_due",
            ),
        ]

    def __str__(self):
        return f"{self.notification_id} {self.channel}: {self.status}"


class PushSubscription(models.Model):
    """One device's Web Push subscription (the browser's PushSubscription JSON). Dropped when the push service
    answers 404 or 410 (expired or unsubscribed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    # What the person sees in their list ("Chrome on Android"), from the browser's user agent.
    device = models.CharField(_("device"), max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return f"{self.user_id} {self.device or self.pk}"
