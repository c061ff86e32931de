"""Child cases (Anak Pekerja Migran), the caregiver's consent and permissioned referrals to agencies.

A child's identity lives only in ChildCase. Everything that other apps show (forums, dashboard, notifications)
names a case by its pseudonymous code (APM-5202-00042). The referral status values and timestamps are read by
the dashboard's indicators: keep them stable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

# The identity fields of a child's case: only the case team (and, while a referral is open, the receiving
# agency's liaisons) may see them; every view of them is audited.
IDENTITY_FIELDS = (
    "child_name",
    "sex",
    "birth_date",
    "nik",
    "caregiver_name",
    "caregiver_relation",
    "caregiver_phone",
    "address",
    "area",  # the dusun: outside the team a case is placed at most at its desa
)


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class ParentAbroad(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    BOTH = "both", _("Both parents")


class CaseCounter(models.Model):
    """The last sequence number issued per kabupaten/kota (regency). Locked with select_for_update while a
    case is registered, so codes are unique and never reused, even after a case is deleted."""

    regency = models.OneToOneField("areas.Area", on_delete=models.PROTECT, related_name="+", primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.regency_id}: {self.last}"


class ChildCase(models.Model):
    code = models.CharField(_("case code"), max_length=32, unique=True, editable=False)
    # The dusun or desa where the child lives; `village` is its desa (the same area for a desa), kept so that
    # lists and indicators can group by desa, kecamatan and kabupaten with a prefix match on the code.
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="child_cases", verbose_name=_("dusun or desa")
    )
    village = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"), editable=False
    )
    # Identity (see IDENTITY_FIELDS).
    child_name = models.CharField(_("child's name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    nik = models.CharField(_("NIK"), max_length=16, blank=True, help_text=_("16 digits, if known"))
    caregiver_name = models.CharField(_("caregiver's name"), max_length=120)
    caregiver_relation = models.CharField(_("caregiver's relation to the child"), max_length=60)
    caregiver_phone = models.CharField(_("caregiver's phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Migration situation.
    parent_abroad = models.CharField(_("parent abroad"), max_length=8, choices=ParentAbroad.choices)
    destination_country = models.CharField(_("destination country"), max_length=60)
    abroad_since = models.DateField(_("abroad since"), null=True, blank=True)
    # The needs checklist: the services the child lacks (no birth certificate, out of school, no KIS, ...).
    needs = models.ManyToManyField(
        "agencies.Service", blank=True, related_name="child_cases", verbose_name=_("needs")
    )
    notes = models.TextField(_("notes"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("child case")
        verbose_name_plural = _("child cases")
        indexes = [models.Index(fields=["area"]), models.Index(fields=["village", "created_at"])]

    def __str__(self):
        # Never the child's name: the code is what a case is called outside its team.
        return self.code


class CaseTeamMember(models.Model):
    """A case worker on a case's team: they see the child's identity and act for the case."""

    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_teams")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_team_unique")]

    def __str__(self):
        return f"{self.case.code}: {self.user}"


class Consent(models.Model):
    """The caregiver's consent to share the case with the named agencies. Withdrawing it ends the sharing at
    once: no new referral under it, and its open referrals are withdrawn (services._end_sharing_under). A consent
    has no expiry date and is never edited (a changed consent is a new one, the old one withdrawn)."""

    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=120)
    relation = models.CharField(_("relation to the child"), max_length=60)
    given_on = models.DateField(_("date"))
    agencies = models.ManyToManyField("agencies.Agency", related_name="+", verbose_name=_("agencies"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.TextField(_("withdrawal note"), blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.case.code} consent {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    # Stable values: the dashboard's indicators and API clients read them.
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed unresolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeclineReason(models.TextChoices):
    # Stable values: the dashboard and exports count referrals by these categories (never the free-text note).
    NOT_OUR_SERVICE = "not_our_service", _("Not our service")
    INCOMPLETE_DOCUMENTS = "incomplete_documents", _("Incomplete documents")
    WRONG_AREA = "wrong_area", _("Wrong area")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


OPEN_STATUSES = (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)
ENDED_STATUSES = (Status.DECLINED, Status.COMPLETED, Status.CLOSED, Status.WITHDRAWN)


class Referral(models.Model):
    case = models.ForeignKey(ChildCase, on_delete=models.PROTECT, related_name="referrals")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("agencies.Service", on_delete=models.PROTECT, related_name="referrals")
    # The child's area, copied from the case (and kept in step by case_update) so that indicators group
    # referrals by area without a join.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    note = models.TextField(_("what the child needs"), blank=True)
    # Which identity fields this referral shares with the agency while it is open.
    shared_fields = models.JSONField(default=list, blank=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    consent_override = models.BooleanField(_("sent without consent"), default=False)
    consent_override_reason = models.TextField(_("why it was sent without consent"), blank=True)
    # A declined referral re-sent to another agency.
    resent_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resent_as"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    completion_due_at = models.DateTimeField(_("completion target"), null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # The category of the reason (issue 20): what the dashboard and exports show; the free text above is for
    # the case team (and the liaisons who wrote it) only.
    decline_category = models.CharField(
        _("reason category"), max_length=24, choices=DeclineReason.choices, blank=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    # When sweep_overdue raised the missed response deadline / completion target (each once).
    overdue_raised_at = models.DateTimeField(null=True, blank=True)
    completion_overdue_raised_at = models.DateTimeField(null=True, blank=True)
    # Triage (issue 20): the liaison of the agency who handles the referral ("Saya tangani"); while it is
    # claimed, the agency's other liaisons are not notified of it.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The kecamatan facilitator marked the overdue item handled: it leaves the forum's "needs attention" list
    # until the referral is raised again (a later raise than this moment).
    attention_handled_at = models.DateTimeField(null=True, blank=True)
    # Completing the referral met the child's need for its service (removed from the case's needs): set while
    # that change stands, cleared by the case worker's undo.
    need_met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [
            ("view_referral_identity", "Can see the child's identity the referral shares"),
            ("message_referral", "Can read and write the referral's private thread"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["service", "status"]),
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["area", "status"]),
            models.Index(fields=["sent_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self):
        return f"{self.case.code} → {self.agency} ({self.service.slug})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralEvent(models.Model):
    """The history of a referral: every change, who made it, when, and the note they wrote."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self):
        return f"{self.referral_id} {self.action} → {self.status}"


class ReferralMessage(models.Model):
    """The referral's private thread: the case team and the receiving agency's liaisons only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["referral", "created_at"])]

    def __str__(self):
        return f"message {self.pk} on referral {self.referral_id}"


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class AnonymisedCase(models.Model):
    """A closed case whose identity fields were blanked after the retention period. The case row stays, so
    counts, statuses, dates and areas in the indicators do not change; this row makes the command idempotent."""

    case = models.OneToOneField(
        ChildCase, on_delete=models.CASCADE, related_name="anonymisation", primary_key=True
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), auto_now_add=True)
    retention_days = models.PositiveIntegerField(_("retention period (days)"))

    class Meta:
        verbose_name = _("anonymised case")
        verbose_name_plural = _("anonymised cases")

    def __str__(self):
        return f"{self.case_id} anonymised {self.anonymised_at:%Y-%m-%d}"


class IdentityCorrection(models.Model):
    """A correction of a child's identity by the case team: the old and new value of each field changed.
    It is the audit trail's memory of the old values (the audit entry names the fields only, never their
    values): shown to the case team on the case's audit page, included in the child's data export, blanked
    with the rest of the identity when the case is anonymised."""

    case = models.ForeignKey(ChildCase, on_delete=models.CASCADE, related_name="identity_corrections")
    # [{"field": "child_name", "old": "…", "new": "…"}, …]
    changes = models.JSONField(default=list)
    reason = models.TextField(_("reason for the correction"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    audit_entry = models.OneToOneField(
        "audit.AuditEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("identity correction")
        verbose_name_plural = _("identity corrections")

    def __str__(self):
        return f"{self.case_id} correction {self.pk}"
