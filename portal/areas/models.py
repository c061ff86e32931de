"""The official area tree (Kemendagri codes) plus the dusun that coordinators add under their desa.

The dotted code is a materialized path: 52 > 52.02 > 52.02.01 > 52.02.01.2013 > 52.02.01.2013.01.
Ancestors are the code's prefixes (one query by primary key list); descendants are a range scan on the
indexed code (code > 'X.' and code < 'X/'), which uses the B-tree on SQLite and PostgreSQL alike."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")  # provinsi
    REGENCY = "regency", _("Regency / city")  # kabupaten / kota
    DISTRICT = "district", _("District")  # kecamatan
    VILLAGE = "village", _("Village")  # desa / kelurahan
    HAMLET = "hamlet", _("Hamlet")  # dusun


LEVEL_ORDER = [Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE, Level.HAMLET]
LEVEL_BY_DEPTH = {i + 1: level for i, level in enumerate(LEVEL_ORDER)}


def level_for_code(code: str) -> str:
    depth = code.count(".") + 1
    if depth not in LEVEL_BY_DEPTH:
        raise ValidationError(_("Unknown area code: %(code)s") % {"code": code})
    return LEVEL_BY_DEPTH[depth]


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_codes(code: str) -> list[str]:
    """Codes of the ancestors, from the province down, without the code itself."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


class Area(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [models.Index(fields=["level", "name"])]
        permissions = [("manage_area", "Can manage the area, its dusun and its people")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """'Desa Jago', 'Kec. Praya', 'Kab. Lombok Tengah': the way people say it."""
        if self.level in (Level.PROVINCE, Level.REGENCY):
            return self.name.title().replace("Kabupaten ", "Kab. ")
        if self.level == Level.DISTRICT:
            return f"Kec. {self.name}"
        if self.level == Level.VILLAGE:
            # Kemendagri: the village number starts with 1 for a kelurahan, 2 for a desa.
            kind = "Kel." if self.code.rsplit(".", 1)[-1].startswith("1") else "Desa"
            return f"{kind} {self.name}"
        return f"Dusun {self.name}"

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1

    @property
    def ancestor_codes(self) -> list[str]:
        return ancestor_codes(self.code)

    @property
    def lineage_codes(self) -> list[str]:
        """Ancestors and the area itself, from the province down."""
        return [*ancestor_codes(self.code), self.code]

    def is_within(self, other: "Area") -> bool:
        """True when self is other or lies below it."""
        return self.code == other.code or self.code.startswith(other.code + ".")

    def descendant_range(self) -> tuple[str, str]:
        return self.code + ".", self.code + "/"


class AreaImport(models.Model):
    """The checksum of the last loaded area data, so `load_areas` on unchanged data returns at once."""

    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.checksum[:12]} {self.loaded_at:%Y-%m-%d}"


class AreaUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key for guardian's per-object grants on areas (faster than the generic table)."""

    content_object = models.ForeignKey(Area, on_delete=models.CASCADE)


class AreaGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Area, on_delete=models.CASCADE)
