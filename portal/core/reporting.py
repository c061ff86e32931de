"""The registry of the dashboard's sections beyond the referral indicators: what other products report for an
area's subtree (meetings held and action items from the forums, the commitments' policies and budgets...).

A product registers a `ReportSection` in its AppConfig.ready(); the dashboard app renders every registered
section on its page, adds its tables to the CSV/XLSX exports, puts its figures in `GET /api/v1/indicators`
under `"sections": {key: figures}`, and shows its public figures on the public page. The platform never names a
product, and the dashboard never imports one for these sections.

Contract of the callables (all keyword-only):
- `figures(*, area, date_from, date_to) -> dict`: JSON-serialisable figures for the area's subtree, dates as
  `datetime.date` or None (WITA calendar days, inclusive). Counts are int, money is int rupiah. Only aggregates:
  never a person's or a child's identity.
- `export_tables(figures) -> [(title, rows)]`: tables for the exports, each a list of rows (the first is the
  header), cells str or int.
- `public_figures(*, area) -> dict | None`: figures for anyone, already small-cell suppressed the same way as the
  public indicators (counts 1–4 as "<5", no recovery from totals); None when the section publishes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    order: int
    template: str  # included in the dashboard with {"section": figures, "area": area, "query": filter query}
    figures: Callable[..., dict]
    export_tables: Callable[[dict], list] | None = None
    public_figures: Callable[..., dict | None] | None = None
    public_template: str | None = None  # included in the public page with {"section": public figures}


_SECTIONS: dict[str, ReportSection] = {}


def register_report_section(section: ReportSection) -> None:
    """Add (or replace, by key) a dashboard section."""
    _SECTIONS[section.key] = section


def report_sections() -> list[ReportSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


# --- counts per area that one product computes and another reports against ----------------------------------
# E.g. the children registered per area (computed by the dashboard over the referrals' cases) that the
# commitments section divides its budgets by, without commitments importing the dashboard or referrals.
# A provider is `fn(*, area, child_codes, public) -> {"total": n, "by_code": {code: n}}` for the area's subtree
# (area None: the whole country) and each of `child_codes` (subtrees below it); counts are int, or, when
# `public` is true, already small-cell suppressed as the public indicators publish them ("<5", None).

_AREA_COUNTS: dict[str, Callable[..., dict]] = {}


def register_area_count(name: str, provider: Callable[..., dict]) -> None:
    """Add (or replace) the provider of the count `name`."""
    _AREA_COUNTS[name] = provider


def area_count(name: str, *, area, child_codes=(), public: bool = False) -> dict | None:
    """The count `name` for the area's subtree and its child subtrees, or None when no product provides it."""
    provider = _AREA_COUNTS.get(name)
    if provider is None:
        return None
    return provider(area=area, child_codes=list(child_codes), public=public)
