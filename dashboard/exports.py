"""CSV and XLSX exports of the dashboard's figures and of a case team's own cases. The views audit them."""

import csv
import io
import zipfile

from django.utils.translation import gettext as _


def figure_rows(data: dict, *, services: dict, statuses: dict, area_name: str) -> list[list]:
    """The figures as (section, item, value) rows, the same as the page shows."""
    rows = [
        [_("Area"), area_name, data["area"]],
        [_("Period"), _("from"), data["filters"]["from"] or ""],
        [_("Period"), _("until"), data["filters"]["to"] or ""],
        [_("Filter"), _("service"), data["filters"]["service"] or ""],
        [_("Filter"), _("agency"), data["filters"]["agency"] or ""],
        [_("Children"), _("Children registered"), data["children_registered"]],
    ]
    rows += [[_("Children by need"), services.get(slug, slug), n] for slug, n in data["needs"].items()]
    rows += [
        [_("Referrals by status"), statuses.get(s, s), n] for s, n in data["referrals_by_status"].items()
    ]
    rows += [
        [_("Referrals by service"), services.get(s, s), n] for s, n in data["referrals_by_service"].items()
    ]
    rows += [
        [_("Referrals"), _("Referrals sent"), data["referrals"]],
        [
            _("Referrals"),
            _("Share completed"),
            data["completed_share"] if data["completed_share"] is not None else "",
        ],
        [_("Referrals"), _("Overdue now"), data["overdue"]],
        [_("Referrals"), _("Overdue to respond"), data["overdue_response"]],
        [_("Referrals"), _("Past the completion target"), data["overdue_completion"]],
        [_("Time"), _("Median working days to accept"), _num(data["median_days_to_accept"])],
        [_("Time"), _("90th percentile working days to accept"), _num(data["p90_days_to_accept"])],
        [_("Time"), _("Median days to complete"), _num(data["median_days_to_complete"])],
        [_("Time"), _("90th percentile days to complete"), _num(data["p90_days_to_complete"])],
    ]
    rows += [[_("Declined, by reason"), r["reason"], r["count"]] for r in data["declined_reasons"]]
    return rows


def _num(value):
    return "" if value is None else value


def breakdown_rows(data: dict) -> list[list]:
    header = [_("Area code"), _("Area"), _("Children registered"), _("Referrals"), _("Overdue")]
    return [header] + [
        [r["area"], r["name"], r["children_registered"], r["referrals"], r["overdue"]]
        for r in data["breakdown"]
    ]


def trend_rows(data: dict) -> list[list]:
    header = [_("Month"), _("Children registered"), _("Referrals sent"), _("Completed")]
    return [header] + [
        [r["month"].strftime("%Y-%m"), r["children_registered"], r["referrals"], r["completed"]]
        for r in data["trend"]
    ]


def _safe(value):
    """Spreadsheet formula injection: a text cell never starts with = + - @ (a reason typed by an agency)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(sections: list[tuple[str, list[list]]]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel opens Indonesian text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, (title, rows) in enumerate(sections):
        if i:
            writer.writerow([])
        writer.writerow([title])
        for row in rows:
            writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_csv(rows: list[list]) -> bytes:
    """One table as a CSV of its own (UTF-8 with a byte order mark): its header row, then its rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_zip(tables: list[tuple[str, list[list]]]) -> bytes:
    """A zip of one CSV per table, named by its key (figures.csv, areas.csv, months.csv, ...)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, rows in tables:
            archive.writestr(f"{key}.csv", table_csv(rows))
    return buf.getvalue()


def to_xlsx(sections: list[tuple[str, list[list]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sections:
        ws = wb.create_sheet(title=title[:31])
        for row in rows:
            ws.append([_safe(v) for v in row])
        if rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
        for column in ws.columns:
            width = max((len(str(c.value or "")) for c in column), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
