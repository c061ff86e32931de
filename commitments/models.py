"""Commitments: the policies (regulations, decrees, circulars, MoUs) and the budget lines that areas from the
village to the province make for the children of migrant workers — the second ask of the NTB Governor's Circular
Letter 400/10/BP3AKB (2017): policies and budget plans that respond to these children, including the use of
Village Funds (Dana Desa).

Money is integer rupiah (never a float). `area_code` copies the area's code (areas never move) so that a roll-up
over a subtree is one range scan on an index, as the dashboard does with case areas."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import classification
from .money import MAX_IDR
from .storage import private_storage


class PolicyKind(models.TextChoices):
    PERDES = "perdes", _("Village regulation (Perdes)")
    SK_KADES = "sk_kades", _("Village head decree (SK Kepala Desa)")
    PERBUP = "perbup", _("Regent regulation (Perbup)")
    SE_GUBERNUR = "se_gubernur", _("Governor's circular (SE Gubernur)")
    SK_TASK_FORCE = "sk_gugus_tugas", _("Task-force decree (SK Gugus Tugas)")
    MOU = "mou", _("Memorandum of understanding (MoU)")
    OTHER = "lainnya", _("Other regulation or decision")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ENACTED = "enacted", _("Enacted")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")


# The policy lifecycle as data (read by the service, the API's 409s, the page's buttons and the tests):
# action -> (statuses it may start from, status it leads to).
POLICY_TRANSITIONS = {
    "enact": ((PolicyStatus.DRAFT,), PolicyStatus.ENACTED),
    "revoke": ((PolicyStatus.ENACTED,), PolicyStatus.REVOKED),
    "replace": ((PolicyStatus.ENACTED,), PolicyStatus.REPLACED),
}


class FundSource(models.TextChoices):
    DANA_DESA = "dana_desa", _("Village Funds (Dana Desa)")
    ADD = "add", _("Village fund allocation (ADD)")
    APBD_KABUPATEN = "apbd_kabupaten", _("District budget (APBD kabupaten)")
    APBD_PROVINSI = "apbd_provinsi", _("Provincial budget (APBD provinsi)")
    APBN = "apbn", _("National programmes (APBN)")
    CSR_NGO = "csr_ngo", _("CSR / NGO")


# Sources that are a village's own budget (APBDes): their lines are classified by Permendagri 20/2018.
VILLAGE_SOURCES = (FundSource.DANA_DESA, FundSource.ADD)


class LineOrigin(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")


def _policy_path(instance, filename):
    return f"policies/{instance.area_code}/{filename}"


def _evidence_path(instance, filename):
    return f"evidence/{instance.line.area_code}/{filename}"


class Policy(models.Model):
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    area_code = models.CharField(max_length=32, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=PolicyKind.choices)
    number = models.CharField(_("number"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    ended_on = models.DateField(_("revoked or replaced on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    services = models.ManyToManyField(
        "agencies.Service", blank=True, related_name="+", verbose_name=_("services")
    )
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    document = models.FileField(
        _("document (PDF)"), storage=private_storage, upload_to=_policy_path, blank=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        indexes = [models.Index(fields=["area_code", "status"], name="commitments_policy_area")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} {self.title}".strip()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def clean(self):
        if self.status != PolicyStatus.DRAFT and not self.issued_on:
            raise ValidationError({"issued_on": _("An enacted policy needs its date.")})
        if self.published_at and self.status == PolicyStatus.DRAFT:
            raise ValidationError({"status": _("A draft cannot be published: enact it first.")})


class BudgetLine(models.Model):
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    area_code = models.CharField(max_length=32, editable=False)
    year = models.PositiveSmallIntegerField(_("fiscal year"))
    source = models.CharField(_("source"), max_length=20, choices=FundSource.choices)
    activity = models.CharField(_("activity"), max_length=300)
    activity_code = models.CharField(_("activity code"), max_length=40, blank=True)
    field_code = models.CharField(_("field / sub-field (Permendagri 20/2018)"), max_length=8, blank=True)
    services = models.ManyToManyField(
        "agencies.Service", blank=True, related_name="+", verbose_name=_("services")
    )
    planned_idr = models.PositiveBigIntegerField(_("planned (Rp)"))
    realised_idr = models.PositiveBigIntegerField(_("realised (Rp)"), null=True, blank=True)
    realised_on = models.DateField(_("realised on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # The accepted forum proposal (usulan) this line comes from: an id in the forums' proposals, read through the
    # seam in proposals.py (no foreign key: commitments does not depend on the forums' tables).
    proposal_id = models.PositiveBigIntegerField(_("forum proposal"), null=True, blank=True)
    origin = models.CharField(max_length=10, choices=LineOrigin.choices, default=LineOrigin.MANUAL)
    # Imported lines only: the key of the line in its source (activity code or name, and source), unique per area
    # and year, so that importing the same file again changes nothing.
    import_key = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-year", "source", "activity", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        indexes = [
            models.Index(fields=["year", "area_code"], name="commitments_line_year_area"),
            models.Index(fields=["area_code", "year"], name="commitments_line_area_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "import_key"],
                condition=~models.Q(import_key=""),
                name="commitments_line_import_key",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_idr__lte=MAX_IDR), name="commitments_line_planned_max"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_source_display()}: {self.activity}"

    @property
    def field_label(self) -> str:
        return classification.label(self.field_code)

    def clean(self):
        errors = {}
        if not 2000 <= (self.year or 0) <= 2100:
            errors["year"] = [_("The fiscal year must be between 2000 and 2100.")]
        if self.field_code and classification.normalise_code(self.field_code) != self.field_code:
            errors["field_code"] = [_("Not a field or sub-field of Permendagri 20/2018.")]
        if self.realised_idr is not None and self.realised_idr > MAX_IDR:
            errors["realised_idr"] = [_("This amount is too large.")]
        if self.realised_on and self.year and not self.year - 1 <= self.realised_on.year <= self.year + 1:
            errors["realised_on"] = [_("The date of realisation must fall in or next to the fiscal year.")]
        if errors:
            raise ValidationError(errors)


class EvidenceDocument(models.Model):
    """Proof that a line was spent (a report, receipts, photos of the activity): private to those who record the
    area's commitments, because such papers can name the families who were helped."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_evidence_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")

    def __str__(self):
        return self.title


class ImportBatch(models.Model):
    """An uploaded budget file, parsed and held for preview until it is confirmed (then applied once)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        APPLIED = "applied", _("Applied")

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)  # [{"row": n, "values": {...}, "errors": [...], "action": ...}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"
