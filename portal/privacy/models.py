"""What the privacy app itself records: which cases have had their identity removed (UU PDP retention)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnonymisedCase(models.Model):
    """A closed case whose identity fields were blanked after the retention period. The case row stays, so
    counts, statuses, dates and areas in the indicators do not change; this row makes the command idempotent."""

    case = models.OneToOneField(
        "referrals.ChildCase", on_delete=models.CASCADE, related_name="anonymisation", primary_key=True
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), auto_now_add=True)
    retention_days = models.PositiveIntegerField(_("retention period (days)"))

    class Meta:
        verbose_name = _("anonymised case")
        verbose_name_plural = _("anonymised cases")

    def __str__(self):
        return f"{self.case_id} anonymised {self.anonymised_at:%Y-%m-%d}"
