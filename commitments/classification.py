"""The classification of village budget activities by field (bidang) and sub-field (sub-bidang), as set by
Permendagri 20/2018 on village financial management (its annex lists five fields and their sub-fields; Siskeudes and
OpenSID code activities the same way, e.g. `4.4` or `04.04` for "Pemberdayaan Perempuan, Perlindungan Anak dan
Keluarga"). Shipped as data in `data/bidang_permendagri_20_2018.csv`; codes are stored normalised (`4.4`)."""

import csv
import re
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "bidang_permendagri_20_2018.csv"
_CODE = re.compile(r"^\s*0*(\d)(?:\s*[.\-]\s*0*(\d{1,2}))?(?:\s*[.\-]\s*\d+)*\s*$")


@cache
def _rows() -> dict[str, tuple[str, str]]:
    with DATA.open(encoding="utf-8") as fh:
        return {row["code"]: (row["name_id"], row["name_en"]) for row in csv.DictReader(fh)}


def normalise_code(value: str) -> str | None:
    """'04.04', '4.4', '4.04.01' (an activity code: field, sub-field, activity) -> '4.4'; '2' -> '2'.
    None when the text is not a code of the classification."""
    match = _CODE.match(str(value or ""))
    if not match:
        return None
    code = match.group(1) + (f".{int(match.group(2))}" if match.group(2) else "")
    return code if code in _rows() else None


def name(code: str) -> str:
    """The field's name in the current language ('' for an unknown or empty code)."""
    names = _rows().get(code or "")
    if not names:
        return ""
    return names[1] if (get_language() or "id").startswith("en") else names[0]


def label(code: str) -> str:
    return f"{code} {name(code)}" if code else ""


def choices() -> list[tuple[str, str]]:
    """(code, label) of every sub-field, grouped under its field's label (for a select)."""
    rows = _rows()
    out = []
    for code in rows:
        if "." not in code:
            out.append((f"{code} {name(code)}", [(c, label(c)) for c in rows if c.startswith(code + ".")]))
    return out


def codes() -> list[str]:
    return list(_rows())
