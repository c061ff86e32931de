"""The commitments section of the dashboard (portal.core.reporting): the roll-up of the area's subtree for the
fiscal year of the dashboard's period (the year of its end date, else of its start date, else this year)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.reporting import ReportSection

from .models import FundSource
from .money import format_rate
from .selectors import current_year, rollup_cached


def _year(date_from, date_to) -> int:
    return (date_to or date_from).year if (date_to or date_from) else current_year()


def section_figures(*, area, date_from=None, date_to=None) -> dict:
    """The roll-up (selectors.rollup) for the dashboard and GET /api/v1/indicators' "sections"."""
    return rollup_cached(area=area, year=_year(date_from, date_to))


def section_public(*, area) -> dict:
    return rollup_cached(area=area, year=current_year(), public=True)


def export_tables(figures: dict) -> list:
    """The roll-up as tables for the dashboard's CSV/XLSX (integer rupiah in the cells)."""
    year = figures["year"]
    summary = [
        [_("Item"), _("Value")],
        [_("Fiscal year"), year],
        [_("Villages"), figures["villages"]],
        [_("Villages with a policy"), figures["villages_with_policy"]],
        [_("Share of villages with a policy"), format_rate(figures["villages_with_policy_permille"])],
        [_("Planned (Rp)"), figures["planned_idr"]],
        [_("Realised (Rp)"), figures["realised_idr"]],
        [_("Realisation rate"), format_rate(figures["realisation_permille"])],
        [
            _("Planned per registered child (Rp)"),
            figures["idr_per_child"] if figures["idr_per_child"] is not None else "",
        ],
    ]
    sources = [[_("Fund source"), _("Planned (Rp)"), _("Realised (Rp)"), _("Realisation rate"), _("Lines")]]
    for row in figures["by_source_detail"]:
        sources.append([str(FundSource(row["source"]).label), row["planned_idr"], row["realised_idr"],
                        format_rate(row["realisation_permille"]), row["lines"]])  # fmt: skip
    areas = [[_("Area code"), _("Area"), _("Villages"), _("Villages with a policy"), _("Planned (Rp)"),
              _("Realised (Rp)"), _("Realisation rate")]]  # fmt: skip
    for row in figures["breakdown"]:
        areas.append([row["area"], row["name"], row["villages"], row["villages_with_policy"], row["planned_idr"],
                      row["realised_idr"], format_rate(row["realisation_permille"])])  # fmt: skip
    tables = [
        (_("Commitments %(year)s") % {"year": year}, summary),
        (_("Budget by source %(year)s") % {"year": year}, sources),
        (_("Commitments per area %(year)s") % {"year": year}, areas),
    ]
    if figures.get("villages_table"):
        villages = [[_("Area code"), _("Village"), _("Kecamatan"), _("Policy"), _("Planned (Rp)"), _("Realised (Rp)")]
                    + [str(s.label) for s in FundSource]]  # fmt: skip
        for row in figures["villages_table"]:
            villages.append([row["area"], row["name"], row["district_name"], _("yes") if row["has_policy"] else _("no"),
                             row["planned_idr"], row["realised_idr"]]
                            + [row["by_source"].get(s.value, 0) for s in FundSource])  # fmt: skip
        tables.append((_("Villages %(year)s") % {"year": year}, villages))
    trend = [[_("Fiscal year"), _("Planned (Rp)"), _("Realised (Rp)")]]
    trend += [[t["year"], t["planned_idr"], t["realised_idr"]] for t in figures["trend"]]
    tables.append((_("Commitments per year"), trend))
    return tables


SECTION = ReportSection(
    key="commitments",
    title=gettext_lazy("Commitments: policies and budgets"),
    order=30,
    template="commitments/section.html",
    figures=section_figures,
    export_tables=export_tables,
    public_figures=section_public,
    public_template="commitments/public_section.html",
)
