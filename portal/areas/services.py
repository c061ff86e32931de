"""Writes to the area tree: loading the official data, and the dusun a coordinator adds, renames, moves or
removes (the official tree, province to village, is never changed by hand)."""

import csv
import gzip
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.services import audit_log
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


def _clean_hamlet_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the dusun a name."), errors={"name": [_("Give the dusun a name.")]})
    if len(name) > 120:
        raise InvalidInput(
            _("The name is too long (120 characters at most)."),
            errors={"name": [_("The name is too long (120 characters at most).")]},
        )
    return name


def _check_village(*, village: Area, actor) -> None:
    from .permissions import user_can_manage_area

    if village is None or village.level != Level.VILLAGE:
        raise InvalidInput(
            _("A dusun can only be added under a desa or kelurahan."),
            errors={"parent": [_("A dusun can only be added under a desa or kelurahan.")]},
        )
    if actor is not None and not user_can_manage_area(user=actor, area=village):
        raise Forbidden(_("Only a coordinator of this area can add a dusun."))


def _next_hamlet_code(village: Area) -> str:
    siblings = Area.objects.select_for_update().filter(parent=village, level=Level.HAMLET)
    numbers = [int(c.rsplit(".", 1)[1]) for c in siblings.values_list("code", flat=True)]
    return f"{village.code}.{(max(numbers, default=0) + 1):02d}"


def _check_unique_name(*, village: Area, name: str, exclude_pk=None) -> None:
    siblings = Area.objects.filter(parent=village, level=Level.HAMLET, name__iexact=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise InvalidInput(
            _("This desa already has a dusun with that name."),
            errors={"name": [_("This desa already has a dusun with that name.")]},
        )


def hamlet_create(*, village: Area, name: str, actor=None) -> Area:
    """Add a dusun under a desa. Its code extends the village code with the next two-digit number.
    Raises InvalidInput (not a desa, no name, a name taken in that desa), Forbidden (the actor does not
    coordinate the desa)."""
    name = _clean_hamlet_name(name)
    _check_village(village=village, actor=actor)
    with transaction.atomic():
        _check_unique_name(village=village, name=name)
        hamlet = Area.objects.create(
            code=_next_hamlet_code(village), name=name, level=Level.HAMLET, parent=village
        )
        audit_log(actor=actor, action="area.hamlet_create", target=hamlet, detail={"code": hamlet.code})
        return hamlet


@transaction.atomic
def hamlet_update(*, hamlet: Area, name: str, village: Area, actor=None) -> Area:
    """Rename a dusun and/or move it under another desa. A move gives it the next code under its new desa
    (forums, cases and roles follow: they refer to the dusun itself). Both the old and the new desa must be
    coordinated by the actor. Raises InvalidInput (not a dusun, not a desa, bad name), Forbidden."""
    if hamlet.level != Level.HAMLET:
        raise InvalidInput(_("Only a dusun can be changed here; the official areas are read-only."))
    name = _clean_hamlet_name(name)
    _check_village(village=hamlet.parent, actor=actor)
    _check_village(village=village, actor=actor)
    hamlet = Area.objects.select_for_update().get(pk=hamlet.pk)
    _check_unique_name(village=village, name=name, exclude_pk=hamlet.pk)
    changed = []
    if hamlet.name != name:
        hamlet.name, changed = name, [*changed, "name"]
    old_code = hamlet.code
    old_lineage = hamlet.lineage_codes
    if hamlet.parent_id != village.pk:
        hamlet.parent, hamlet.code = village, _next_hamlet_code(village)
        changed += ["parent", "code"]
    if changed:
        hamlet.save(update_fields=changed)
        audit_log(
            actor=actor,
            action="area.hamlet_update",
            target=hamlet,
            fields=changed,
            detail={"code": hamlet.code, "old_code": old_code},
        )
    if "parent" in changed:
        _resync_overseers({*old_lineage, *hamlet.lineage_codes})
    return hamlet


def _resync_overseers(codes) -> None:
    """A dusun moved: the grants derived from the areas above it (a forum's overseers) are recomputed for everyone
    with a role in its old or new lineage, so the old desa's facilitators lose its forum and the new one's gain it."""
    from django.contrib.auth import get_user_model

    from portal.people.models import Membership
    from portal.people.permissions import sync_user_permissions

    user_ids = Membership.objects.filter(area__code__in=list(codes)).values_list("user_id", flat=True)
    for user in get_user_model().objects.filter(pk__in=user_ids).order_by("pk"):
        sync_user_permissions(user)


@transaction.atomic
def hamlet_delete(*, hamlet: Area, actor=None) -> None:
    """Remove a dusun that nothing refers to yet (a mistaken entry). Raises InvalidInput when it has a forum,
    cases, roles or anything else: rename or move it instead. Forbidden if the actor does not coordinate it."""
    from django.db.models import ProtectedError, RestrictedError

    if hamlet.level != Level.HAMLET:
        raise InvalidInput(_("Only a dusun can be removed; the official areas are read-only."))
    _check_village(village=hamlet.parent, actor=actor)
    in_use = InvalidInput(
        _(
            "This dusun is in use (a forum, roles or cases refer to it): rename or move it instead of removing it."
        )
    )
    detail = {"code": hamlet.code, "name": hamlet.name}
    try:
        with transaction.atomic():
            audit_log(actor=actor, action="area.hamlet_delete", target=hamlet, detail=detail)
            hamlet.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise in_use from exc
