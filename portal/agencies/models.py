"""Services a child may need and the agencies that provide them. An agency's liaisons are the members of
its group, so object permissions on referrals can be granted to the whole agency at once."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Service(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    # The need this service answers, as shown in a case's needs checklist ("no birth certificate").
    need_id = models.CharField(_("need (Bahasa Indonesia)"), max_length=120, blank=True)
    need_en = models.CharField(_("need (English)"), max_length=120, blank=True)
    completion_days = models.PositiveSmallIntegerField(_("completion target (days)"), default=30)
    child_protection = models.BooleanField(
        _("child protection"),
        default=False,
        help_text=_("Urgent referrals for this service may be sent without consent, with a recorded reason."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id

    @property
    def need(self) -> str:
        text = self.need_en if (get_language() or "id").startswith("en") else self.need_id
        return text or self.name


class AgencyKind(models.TextChoices):
    DUKCAPIL = "dukcapil", _("Population and civil registry (Dinas Dukcapil)")
    DINSOS = "dinsos", _("Social affairs (Dinas Sosial)")
    EDUCATION = "pendidikan", _("Education (Dinas Pendidikan)")
    HEALTH_INSURANCE = "bpjs", _("Health insurance (BPJS Kesehatan)")
    HEALTH = "puskesmas", _("Community health centre (Puskesmas)")
    CHILD_PROTECTION = "uptd-ppa", _("Women and child protection unit (UPTD PPA)")
    FAMILY = "puspaga", _("Family learning centre (Puspaga)")
    MANPOWER = "disnaker", _("Manpower (Disnakertrans)")
    OTHER = "lain", _("Other")


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("area of jurisdiction"),
    )
    services = models.ManyToManyField(Service, related_name="agencies", verbose_name=_("services offered"))
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The office's choice (issue 20): accepting a referral also starts work on it (accept → in progress in one
    # action, two history entries). Off by default: most offices accept first and start later.
    accept_starts_work = models.BooleanField(
        _("accepting a referral also starts work"),
        default=False,
        help_text=_("One button accepts a referral and starts work on it (two history entries)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name
