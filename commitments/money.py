"""Money is integer rupiah everywhere: parsed from what people type or what a spreadsheet holds without ever
passing through a float, summed by the database as integers, shown in the Indonesian way (`Rp 12.500.000`)."""

import re
from decimal import Decimal, InvalidOperation

MAX_IDR = (
    10**15 - 1
)  # a thousand trillion rupiah: above any single budget line (the national budget is ~3.5e15)


class AmountError(ValueError):
    pass


def format_idr(value) -> str:
    """12500000 -> 'Rp 12.500.000'; None -> '–'. Negative amounts keep their sign (a correction)."""
    if value is None or value == "":
        return "–"
    n = int(value)
    sign = "-" if n < 0 else ""
    return f"Rp {sign}{abs(n):,}".replace(",", ".")


def parse_idr(value) -> int | None:
    """Rupiah from a cell or a form: 12500000, '12.500.000', 'Rp 12.500.000', '12500000,00', '12,500,000'
    (an English spreadsheet), a spreadsheet number (12500000.0). Empty -> None. AmountError for anything that is
    not a whole, non-negative amount of rupiah below MAX_IDR (cents are refused: budgets are in whole rupiah)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError("not an amount")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # A spreadsheet stores numbers as doubles: repr() gives the shortest exact decimal of the double.
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip()
        if not text or text in ("-", "–"):
            return None
        text = re.sub(r"(?i)^rp\.?\s*", "", text).replace(" ", "").replace("\u00a0", "")
        if not re.fullmatch(r"[0-9.,]+", text):
            raise AmountError("not an amount")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):  # 12.500.000 or 12.500.000,00 (Indonesian)
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):  # 12,500,000 or 12,500,000.00 (English)
            text = text.replace(",", "")
        elif re.fullmatch(r"\d+,\d{1,2}", text):  # 12500000,00
            text = text.replace(",", ".")
        elif not re.fullmatch(r"\d+(\.\d{1,2})?", text):
            raise AmountError("not an amount")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise AmountError("not an amount") from exc
    if number != number.to_integral_value():
        raise AmountError("not whole rupiah")
    if number < 0:
        raise AmountError("negative")
    if number > MAX_IDR:
        raise AmountError("too large")
    return int(number)


def rate_permille(realised: int, planned: int) -> int | None:
    """Realised as a share of planned in tenths of a percent, rounded half up, integer arithmetic only."""
    if not planned:
        return None
    return (2 * 1000 * realised + planned) // (2 * planned)


def format_rate(permille: int | None) -> str:
    """812 -> '81,2%' (Indonesian decimal comma); None -> '–'."""
    if permille is None:
        return "–"
    return f"{permille // 10},{permille % 10}%"


def per_head(total: int, heads) -> int | None:
    """Whole rupiah per person, rounded half up; None without people (or when the count is withheld)."""
    if not isinstance(heads, int) or heads <= 0:
        return None
    return (2 * total + heads) // (2 * heads)
