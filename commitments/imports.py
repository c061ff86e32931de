"""The budget import: a CSV or XLSX file with one budget line a row, in the template of `TEMPLATE_COLUMNS`
(README.md documents it; `/commitments/import/template.csv|.xlsx` is the example). A village secretary fills it
from an APBDes export of Siskeudes or OpenSID: their column names are accepted as aliases (Kd_Keg, Nama_Kegiatan,
Sumberdana, Anggaran, Realisasi ...) and Siskeudes' fund-source codes (DDS, ADD, PBK, PBP, PBH) are understood.

Rules:
- a preview first: every row is checked and gets its errors in the person's language; nothing is written until
  the person confirms, and then only rows without errors are applied;
- idempotent: an imported line is known by its area, fiscal year and key (the activity code, or else its name, and
  its source); importing the same file again finds every line unchanged;
- a hand-entered line is never changed or removed by an import (an imported line a person corrects by hand becomes
  hand-entered);
- a file over `max_bytes()` or with more than MAX_ROWS rows is refused as a whole, with a message saying what to do.
"""

import csv
import datetime as dt
import io
import re
import zipfile

from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.agencies.models import Service
from portal.areas.models import Area
from portal.core.errors import InvalidInput

from . import classification
from .models import BudgetLine, LineOrigin
from .money import AmountError, parse_idr
from .permissions import COMMITTING_LEVELS

MAX_ROWS = 5000
XLSX_MAX_UNCOMPRESSED = 40 * 1024 * 1024  # a zip bomb is refused before openpyxl opens it

# column -> (header in the template, aliases as found in Siskeudes / OpenSID exports), in the template's order
TEMPLATE_COLUMNS = {
    "area": ("kode_wilayah", ["kode_desa", "kd_desa", "kode_area", "area"]),
    "year": ("tahun", ["tahun_anggaran", "tahun_anggaran_apbdes", "thn", "year"]),
    "source": ("sumber_dana", ["sumber", "sumberdana", "sumber_anggaran", "source"]),
    "activity_code": ("kode_kegiatan", ["kd_keg", "kd_kegiatan", "kode", "activity_code"]),
    "activity": ("kegiatan", ["nama_kegiatan", "uraian", "uraian_kegiatan", "nama", "activity"]),
    "field_code": ("bidang", ["sub_bidang", "subbidang", "kode_bidang", "kd_bid", "kd_sub", "field"]),
    "services": ("layanan", ["kebutuhan", "layanan_anak", "services"]),
    "planned": (
        "anggaran",
        ["pagu", "pagu_anggaran", "jumlah_anggaran", "anggaran_rp", "rencana", "planned"],
    ),
    "realised": ("realisasi", ["jumlah_realisasi", "realisasi_rp", "realised"]),
    "realised_on": ("tanggal_realisasi", ["tgl_realisasi", "tanggal", "realised_on"]),
    "notes": ("keterangan", ["catatan", "ket", "notes"]),
}
REQUIRED = ("year", "source", "activity", "planned")

SOURCE_ALIASES = {
    "dana_desa": ["dana desa", "dd", "dds"],
    "add": ["add", "alokasi dana desa"],
    "apbd_kabupaten": ["apbd kabupaten", "apbd kab", "apbd kota", "apbd kabupaten/kota", "pbk", "pbh",
                       "bantuan keuangan kabupaten", "bagi hasil pajak dan retribusi"],
    "apbd_provinsi": ["apbd provinsi", "apbd prov", "pbp", "bantuan keuangan provinsi"],
    "apbn": ["apbn", "kementerian"],
    "csr_ngo": ["csr", "lsm", "ngo", "csr/lsm", "csr/ngo", "csr / lsm", "swasta", "donor"],
}  # fmt: skip


def _norm(text) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


_SOURCES = {}
for _value, _aliases in SOURCE_ALIASES.items():
    _SOURCES[_norm(_value)] = _value
    for _alias in _aliases:
        _SOURCES[_norm(_alias)] = _value


def max_bytes() -> int:
    return getattr(settings, "PELITA_COMMITMENTS_IMPORT_MAX_BYTES", 2 * 1024 * 1024)


def _refuse(msg):
    raise InvalidInput(msg, errors={"file": [msg]})


# --- reading the file ----------------------------------------------------------------------------------------


def read_upload(upload) -> bytes:
    """The uploaded file's bytes; InvalidInput for a file over max_bytes() (read no further than that)."""
    limit = max_bytes()
    if upload.size and upload.size > limit:
        _refuse(_too_big_message(upload.size, limit))
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        _refuse(_too_big_message(len(data), limit))
    if not data.strip():
        _refuse(_("The file is empty."))
    return data


def _too_big_message(size, limit):
    return _(
        "This file is %(size)s; an import may be at most %(limit)s (about %(rows)s lines). Split it, for example "
        "one file per village or per year, and import each."
    ) % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
        "rows": f"{MAX_ROWS:,}".replace(",", "."),
    }


def _too_many_rows():
    _refuse(
        _("This file has more than %(n)s lines. Split it, for example one file per village or per year.")
        % {"n": f"{MAX_ROWS:,}".replace(",", ".")}
    )


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        _refuse(_("This is not a CSV file. Save the sheet as CSV (comma or semicolon separated) or XLSX."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for n, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if n > MAX_ROWS + 1:
            _too_many_rows()
        yield n, row


def _xlsx_rows(data: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise zipfile.BadZipFile
            if sum(i.file_size for i in archive.infolist()) > XLSX_MAX_UNCOMPRESSED:
                _refuse(_("This spreadsheet is too large once opened. Split it and import each part."))
    except zipfile.BadZipFile:
        _refuse(_("This is not an XLSX file. Save the sheet as XLSX or CSV and try again."))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure to open is the same answer to the person
        _refuse(_("This spreadsheet cannot be read. Save it again as XLSX or CSV and try again."))
    sheet = workbook.worksheets[0]
    for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if n > MAX_ROWS + 1:
            workbook.close()
            _too_many_rows()
        yield n, list(row)
    workbook.close()


def _table(data: bytes, filename: str):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    is_zip = data[:4] == b"PK\x03\x04"
    if ext == "xlsx" or (is_zip and ext != "csv"):
        return _xlsx_rows(data)
    if ext in ("csv", "txt", "") and not is_zip:
        return _csv_rows(data)
    _refuse(_("Import a CSV or XLSX file (the template can be downloaded from this page)."))


def _header_map(header: list) -> dict[int, str]:
    lookup = {}
    for column, (name, aliases) in TEMPLATE_COLUMNS.items():
        for alias in (name, *aliases):
            lookup[_norm(alias)] = column
    mapping = {}
    for index, cell in enumerate(header):
        column = lookup.get(_norm(cell))
        if column and column not in mapping.values():
            mapping[index] = column
    return mapping


# --- checking the rows ---------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _services_index():
    index = {}
    for s in Service.objects.all():
        for key in (s.slug, s.name_id, s.name_en):
            index[_norm(key)] = s.slug
    return index


def import_key(*, source: str, activity_code: str, activity: str) -> str:
    """The line's key in its source file: the activity code if it has one, else its name, and the source."""
    ident = _norm(activity_code) or _norm(activity)
    return f"{source}|{ident}"[:200]


def parse(data: bytes, *, filename: str, area: Area) -> list[dict]:
    """Rows of the file as [{"row", "values", "errors", "warnings"}], values JSON-ready (dates as ISO text).
    InvalidInput when the file has no usable header or too many rows."""
    rows_iter = _table(data, filename)
    header_map = None
    raw = []
    for n, cells in rows_iter:
        if header_map is None:
            if not any(_text(c) for c in cells):
                continue
            header_map = _header_map(cells)
            missing = [TEMPLATE_COLUMNS[c][0] for c in REQUIRED if c not in header_map.values()]
            if missing:
                _refuse(
                    _("The first row must name the columns; these are missing: %(cols)s. Use the template.")
                    % {"cols": ", ".join(missing)}
                )
            continue
        if not any(_text(c) for c in cells):
            continue
        raw.append((n, {col: (cells[i] if i < len(cells) else None) for i, col in header_map.items()}))
    if header_map is None:
        _refuse(_("The file is empty."))
    if not raw:
        _refuse(_("The file has a header but no budget lines."))

    services = _services_index()
    codes = {_text(v.get("area")) for _n, v in raw if _text(v.get("area"))}
    known = {a.code: a for a in Area.objects.filter(code__in=codes)} if codes else {}
    rows, seen = [], {}
    for n, cells in raw:
        errors, warnings, values = [], [], {}
        code = _text(cells.get("area")) or area.code
        target = known.get(code) if code != area.code else area
        if target is None:
            errors.append(_("Area code %(code)s does not exist.") % {"code": code})
        elif not target.is_within(area):
            errors.append(
                _("%(area)s is not within %(top)s.") % {"area": target.display_name, "top": area.display_name}
            )
        elif target.level not in COMMITTING_LEVELS:
            errors.append(_("Record the lines of a dusun under its desa."))
        values["area"] = code
        year_text = _text(cells.get("year"))
        try:
            year = int(year_text)
            if not 2000 <= year <= 2100:
                raise ValueError
            values["year"] = year
        except ValueError:
            errors.append(_("Year “%(v)s” is not a fiscal year (e.g. 2026).") % {"v": year_text})
        source_text = _text(cells.get("source"))
        source = _SOURCES.get(_norm(source_text))
        if source is None:
            errors.append(
                _(
                    "Source “%(v)s” is unknown; use one of: Dana Desa, ADD, APBD Kabupaten, APBD Provinsi, APBN, CSR/LSM."
                )
                % {"v": source_text}
            )
        values["source"] = source or source_text
        values["activity_code"] = _text(cells.get("activity_code"))[:40]
        activity = _text(cells.get("activity"))
        if not activity:
            errors.append(_("The activity is empty."))
        elif len(activity) > 300:
            errors.append(_("The activity is longer than 300 characters."))
        values["activity"] = activity[:300]
        field_text = _text(cells.get("field_code"))
        field = classification.normalise_code(field_text) if field_text else ""
        if field is None:
            errors.append(
                _("Field “%(v)s” is not a field or sub-field of Permendagri 20/2018 (e.g. 4.4).")
                % {"v": field_text}
            )
        values["field_code"] = field or ""
        slugs = []
        for part in re.split(r"[;,/]", _text(cells.get("services"))):
            if not part.strip():
                continue
            slug = services.get(_norm(part))
            if slug is None:
                errors.append(_("Service “%(v)s” is unknown.") % {"v": part.strip()})
            elif slug not in slugs:
                slugs.append(slug)
        values["services"] = slugs
        planned_bad = False
        for column, label in (("planned", _("Planned amount")), ("realised", _("Realised amount"))):
            raw_amount = cells.get(column)
            try:
                values[f"{column}_idr"] = parse_idr(raw_amount)
            except AmountError:
                values[f"{column}_idr"] = None
                planned_bad = planned_bad or column == "planned"
                errors.append(
                    _("%(label)s “%(v)s” is not a whole amount of rupiah (e.g. 12.500.000).")
                    % {"label": label, "v": _text(raw_amount)}
                )
        if values.get("planned_idr") is None and not planned_bad:
            errors.append(_("The planned amount is empty."))
        try:
            realised_on = _date(cells.get("realised_on"))
            values["realised_on"] = realised_on.isoformat() if realised_on else None
        except ValueError:
            values["realised_on"] = None
            errors.append(
                _("Date “%(v)s” is not a date (e.g. 2026-08-17 or 17/08/2026).")
                % {"v": _text(cells.get("realised_on"))}
            )
        if (
            values.get("realised_on")
            and "year" in values
            and not values["year"] - 1 <= int(values["realised_on"][:4]) <= values["year"] + 1
        ):
            errors.append(_("The date of realisation must fall in or next to the fiscal year."))
        values["notes"] = _text(cells.get("notes"))[:2000]
        if not errors:
            key = (
                code,
                values["year"],
                import_key(source=source, activity_code=values["activity_code"], activity=activity),
            )
            if key in seen:
                errors.append(
                    _("Same activity and source as row %(n)s: combine them into one line.") % {"n": seen[key]}
                )
            else:
                seen[key] = n
                values["key"] = key[2]
        rows.append({"row": n, "values": values, "errors": errors, "warnings": warnings, "action": None})
    return rows


def _existing(rows: list[dict], area: Area):
    valid = [r for r in rows if not r["errors"]]
    if not valid:
        return {}, set()
    codes = {r["values"]["area"] for r in valid}
    years = {r["values"]["year"] for r in valid}
    lines = (
        BudgetLine.objects.filter(area_code__in=codes, year__in=years)
        .filter(
            Q(origin=LineOrigin.IMPORT, import_key__in={r["values"]["key"] for r in valid})
            | Q(origin=LineOrigin.MANUAL)
        )
        .prefetch_related("services")
    )
    imported, manual = {}, set()
    for line in lines:
        if line.origin == LineOrigin.IMPORT:
            imported[(line.area_code, line.year, line.import_key)] = line
        else:
            manual.add((line.area_code, line.year, line.source, _norm(line.activity)))
    return imported, manual


def _differs(line: BudgetLine, v: dict) -> bool:
    return (
        line.planned_idr != v["planned_idr"]
        or line.realised_idr != v["realised_idr"]
        or (line.realised_on.isoformat() if line.realised_on else None) != v["realised_on"]
        or line.activity != v["activity"]
        or line.activity_code != v["activity_code"]
        or line.field_code != v["field_code"]
        or line.notes != v["notes"]
        or sorted(s.slug for s in line.services.all()) != sorted(v["services"])
    )


def plan(rows: list[dict], *, area: Area) -> list[dict]:
    """Say for each row without errors what applying it does: "create", "update" or "unchanged" (in place)."""
    imported, manual = _existing(rows, area)
    for r in rows:
        if r["errors"]:
            r["action"] = None
            continue
        v = r["values"]
        line = imported.get((v["area"], v["year"], v["key"]))
        r["action"] = "create" if line is None else ("update" if _differs(line, v) else "unchanged")
        r["line"] = line.pk if line else None
        if (v["area"], v["year"], v["source"], _norm(v["activity"])) in manual and r["action"] == "create":
            r["warnings"] = [_("A hand-entered line has the same activity and source; both will be kept.")]
    return rows


def apply(rows: list[dict], *, area: Area, actor) -> dict:
    """Write the rows without errors (re-planned against the budget as it is now). Hand-entered lines are not
    touched. Returns the counts {"created", "updated", "unchanged", "skipped"}."""
    rows = plan([{**r, "values": dict(r["values"])} for r in rows], area=area)
    imported, _manual = _existing(rows, area)
    codes = {r["values"]["area"] for r in rows if not r["errors"]}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    services = {s.slug: s for s in Service.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    for r in rows:
        if r["errors"]:
            counts["skipped"] += 1
            continue
        v = r["values"]
        fields = {
            "activity": v["activity"],
            "activity_code": v["activity_code"],
            "field_code": v["field_code"],
            "planned_idr": v["planned_idr"],
            "realised_idr": v["realised_idr"],
            "realised_on": dt.date.fromisoformat(v["realised_on"]) if v["realised_on"] else None,
            "notes": v["notes"],
        }
        if r["action"] == "unchanged":
            counts["unchanged"] += 1
            continue
        if r["action"] == "update":
            line = imported[(v["area"], v["year"], v["key"])]
            for name, value in fields.items():
                setattr(line, name, value)
            counts["updated"] += 1
        else:
            target = areas[v["area"]]
            line = BudgetLine(
                area=target,
                area_code=target.code,
                year=v["year"],
                source=v["source"],
                origin=LineOrigin.IMPORT,
                import_key=v["key"],
                created_by=actor,
                **fields,
            )
            counts["created"] += 1
        line.full_clean()
        line.save()
        line.services.set([services[s] for s in v["services"]])
    return counts


# --- the template --------------------------------------------------------------------------------------------

EXAMPLE_ROWS = [
    ["52.02.01.2013", 2026, "Dana Desa", "2.1.05", "Pendampingan anak kembali bersekolah", "2.1", "kembali-sekolah",
     "15.000.000", "9.750.000", "2026-09-30", "Seragam dan alat tulis untuk 25 anak"],
    ["52.02.01.2013", 2026, "Dana Desa", "1.3.02", "Pelayanan akta kelahiran keliling bersama Dukcapil", "1.3",
     "akta-kelahiran; kia", "8.500.000", "", "", ""],
    ["52.02.01.2013", 2026, "ADD", "4.4.01", "Kelas pengasuhan bersama untuk kakek-nenek pengasuh", "4.4",
     "parenting", "12.000.000", "6.000.000", "2026-07-15", "Enam sesi pertama"],
]  # fmt: skip


def template_header() -> list[str]:
    return [name for name, _aliases in TEMPLATE_COLUMNS.values()]


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_header())
    writer.writerows(EXAMPLE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Anggaran"
    ws.append(template_header())
    for row in EXAMPLE_ROWS:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = max(
            12, min(50, max(len(str(c.value or "")) for c in column) + 2)
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
