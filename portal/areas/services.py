"""Writes to the area tree: loading the official data and adding dusun."""

import csv
import gzip
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.errors import Forbidden, InvalidInput

from .models import Area, AreaImport, Level

FILES = [
    ("provinces.csv", Level.PROVINCE, None),
    ("regencies.csv", Level.REGENCY, "province_code"),
    ("districts.csv", Level.DISTRICT, "regency_code"),
    ("villages.csv", Level.VILLAGE, "district_code"),
]
BATCH = 5000


def _open(data_dir: Path, name: str):
    plain = data_dir / name
    if plain.exists():
        return open(plain, encoding="utf-8", newline="")
    return io.TextIOWrapper(gzip.open(data_dir / f"{name}.gz"), encoding="utf-8", newline="")


def _checksum(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name, _level, _parent in FILES:
        path = data_dir / name
        if not path.exists():
            path = data_dir / f"{name}.gz"
        digest.update(path.read_bytes())
    return digest.hexdigest()


def areas_load(
    *,
    data_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Load the official tree idempotently. New rows are inserted in bulk, renamed rows updated, unchanged
    rows left alone. Returns counts: {"created": n, "updated": n, "unchanged": n, "skipped": bool}."""
    data_dir = Path(data_dir or settings.PELITA_AREA_DATA_DIR)
    checksum = _checksum(data_dir)
    last = AreaImport.objects.order_by("-pk").first()
    if last and last.checksum == checksum and not force:
        return {
            "created": 0,
            "updated": 0,
            "unchanged": Area.objects.exclude(level=Level.HAMLET).count(),
            "skipped": True,
        }

    created = updated = unchanged = 0
    for name, level, parent_field in FILES:
        with _open(data_dir, name) as fh:
            rows = list(csv.DictReader(fh))
        existing = {
            code: (pk, nm)
            for code, pk, nm in Area.objects.filter(level=level).values_list("code", "pk", "name")
        }
        parents = {}
        if parent_field:
            parent_level = {
                Level.REGENCY: Level.PROVINCE,
                Level.DISTRICT: Level.REGENCY,
                Level.VILLAGE: Level.DISTRICT,
            }[level]
            parents = dict(Area.objects.filter(level=parent_level).values_list("code", "pk"))
        to_create, to_update = [], []
        for i, row in enumerate(rows, 1):
            code, area_name = row["code"].strip(), row["name"].strip()
            if code in existing:
                pk, old_name = existing[code]
                if old_name != area_name:
                    to_update.append(Area(pk=pk, name=area_name))
                else:
                    unchanged += 1
            else:
                to_create.append(
                    Area(
                        code=code,
                        name=area_name,
                        level=level,
                        parent_id=parents.get(row[parent_field]) if parent_field else None,
                    )
                )
            if progress and (i % BATCH == 0 or i == len(rows)):
                progress(name, i, len(rows))
        with transaction.atomic():
            for start in range(0, len(to_create), BATCH):
                Area.objects.bulk_create(to_create[start : start + BATCH])
            if to_update:
                Area.objects.bulk_update(to_update, ["name"], batch_size=BATCH)
        created += len(to_create)
        updated += len(to_update)
    counts = {"created": created, "updated": updated, "unchanged": unchanged}
    AreaImport.objects.all().delete()
    AreaImport.objects.create(checksum=checksum, counts=counts)
    return {**counts, "skipped": False}


def hamlet_create(*, village: Area, name: str, actor=None) -> Area:
    """Add a dusun under a desa. Its code extends the village code with the next two-digit number."""
    from .permissions import user_can_manage_area

    name = (name or "").strip()
    if village.level != Level.VILLAGE:
        raise InvalidInput(
            _("A dusun can only be added under a desa or kelurahan."),
            errors={"parent": [_("A dusun can only be added under a desa or kelurahan.")]},
        )
    if not name:
        raise InvalidInput(_("Give the dusun a name."), errors={"name": [_("Give the dusun a name.")]})
    if len(name) > 120:
        raise InvalidInput(
            _("The name is too long (120 characters at most)."),
            errors={"name": [_("The name is too long (120 characters at most).")]},
        )
    if actor is not None and not user_can_manage_area(user=actor, area=village):
        raise Forbidden(_("Only a coordinator of this area can add a dusun."))
    with transaction.atomic():
        siblings = Area.objects.select_for_update().filter(parent=village, level=Level.HAMLET)
        if siblings.filter(name__iexact=name).exists():
            raise InvalidInput(
                _("This desa already has a dusun with that name."),
                errors={"name": [_("This desa already has a dusun with that name.")]},
            )
        numbers = [int(c.rsplit(".", 1)[1]) for c in siblings.values_list("code", flat=True)]
        code = f"{village.code}.{(max(numbers, default=0) + 1):02d}"
        return Area.objects.create(code=code, name=name, level=Level.HAMLET, parent=village)
