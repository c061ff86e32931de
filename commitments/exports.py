"""CSV (UTF-8 with BOM, for Excel) and XLSX files of a roll-up's tables, amounts as integer rupiah cells."""

import csv
import io


def _safe(value):
    """Spreadsheet formula injection: a text cell never starts with = + - @ (an activity name typed by a person)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(tables: list[tuple[str, list[list]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, (title, rows) in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([title])
        for row in rows:
            writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[tuple[str, list[list]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in tables:
        ws = wb.create_sheet(title=title[:31])
        for row in rows:
            ws.append([_safe(v) for v in row])
        if rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
        for column in ws.columns:
            width = max((len(str(c.value or "")) for c in column), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
