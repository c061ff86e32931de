"""Reads of commitments: an area's policies and lines, the roll-up of a subtree (the dashboard section, the
commitments pages and the public API), the API's lists.

The roll-up of an area's subtree for a year is a fixed handful of aggregate queries whatever the number of villages
or lines (asserted in tests/commitments/test_rollup.py): areas below, lines by (child area, source), the villages'
lines by (village, source) for a kabupaten or kecamatan, the yearly trend, the villages with a policy, the villages
counted, the children registered (through portal.core.reporting's "children_registered" count), the published
policies. Cached under a version that every write service bumps (and for at most five minutes, for the children
counts it borrows).

Rules (the page and README say the same):
- money is integer rupiah, summed by the database; rates and shares are integer per mille, rounded half up;
- a village "has a policy" in a year when one of its own policies (Perdes, SK Kepala Desa ...) is in force in that
  year: enacted on or before 31 December, and not revoked or replaced before 1 January;
- rupiah per registered child: the planned budget of the year divided by the children registered in the subtree
  (all time, as the dashboard counts them); for anyone, only where the public indicators publish the count (5 or
  more, not withheld)."""

import datetime as dt
import logging
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from portal.areas.models import Area, Level, ancestor_codes
from portal.areas.selectors import areas_within_q
from portal.core.reporting import area_count

from .models import BudgetLine, FundSource, Policy, PolicyStatus
from .money import per_head, rate_permille
from .permissions import user_records_area

logger = logging.getLogger("pelita.commitments")
TREND_YEARS = 5
ROLLUP_CACHE_SECONDS = 5 * 60
VERSION_KEY = "commitments:version"
VILLAGE_CODE_LEN = len("52.02.01.2013")
PUBLIC_LEVELS = (Level.PROVINCE, Level.REGENCY, Level.DISTRICT)


def current_year() -> int:
    return timezone.localdate().year


# --- the cache version -----------------------------------------------------------------------------------------


def _cache(method, *args):
    """A cache that is down costs the figures' queries, never an error page."""
    try:
        return getattr(cache, method)(*args)
    except Exception:
        logger.warning("commitments: cache unavailable", exc_info=True)
        return None


def data_version() -> str | None:
    """The roll-ups' cache version; None when the cache is down (then nothing is cached)."""
    version = _cache("get", VERSION_KEY)
    if version is None:
        _cache("add", VERSION_KEY, str(int(timezone.now().timestamp() * 1000)), None)
        version = _cache("get", VERSION_KEY)
    return None if version is None else str(version)


def bump_version() -> None:
    """Called after every committed write (services.py): cached roll-ups are recomputed."""
    _cache("set", VERSION_KEY, str(int(timezone.now().timestamp() * 1000)), None)


# --- policies in force ---------------------------------------------------------------------------------------


def in_force_q(year: int, prefix: str = "") -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        Q(**{f"{prefix}issued_on__lte": end})
        & ~Q(**{f"{prefix}status": PolicyStatus.DRAFT})
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start}))
    )


def policy_visible_q(user) -> Q:
    """Published policies for anyone; every policy of the subtrees the person records."""
    from .permissions import user_record_codes

    q = Q(published_at__isnull=False)
    codes = user_record_codes(user=user)
    if codes is None:
        return Q()
    if codes:
        q |= areas_within_q(codes, field="area_code")
    return q


def policy_get(*, user, pk: int) -> Policy:
    """A policy the person may see; NotFound otherwise (a draft is invisible to those who do not record it)."""
    from django.utils.translation import gettext as _

    from portal.core.errors import NotFound

    policy = Policy.objects.filter(policy_visible_q(user), pk=pk).select_related("area").first()
    if policy is None:
        raise NotFound(_("No policy has this number."))
    return policy


def line_get(*, pk: int) -> BudgetLine:
    from django.utils.translation import gettext as _

    from portal.core.errors import NotFound

    line = (
        BudgetLine.objects.filter(pk=pk)
        .select_related("area")
        .prefetch_related("services", "evidence")
        .first()
    )
    if line is None:
        raise NotFound(_("No budget line has this number."))
    return line


def evidence_get(*, user, pk: int):
    """An evidence document, for those who record its area only (NotFound for anyone else)."""
    from django.utils.translation import gettext as _

    from portal.core.errors import NotFound

    from .models import EvidenceDocument

    doc = EvidenceDocument.objects.filter(pk=pk).select_related("line__area").first()
    if doc is None or not user_records_area(user=user, area=doc.line.area):
        raise NotFound(_("No document has this number."))
    return doc


# --- one area's own commitments --------------------------------------------------------------------------------


def area_policies(*, user, area: Area, include_ancestors: bool = False):
    """The area's own policies the person may see (newest first); with include_ancestors, those of the areas
    above it too (a kabupaten's Perbup applies in each of its villages)."""
    codes = [area.code] + (ancestor_codes(area.code) if include_ancestors else [])
    return (
        Policy.objects.filter(policy_visible_q(user), area_code__in=codes)
        .select_related("area")
        .prefetch_related("services")
        .order_by("-issued_on", "-pk")
    )


def area_lines(*, area: Area, year: int):
    """The budget lines of the area itself for a year, with services and evidence counts."""
    return (
        BudgetLine.objects.filter(area_code=area.code, year=year)
        .prefetch_related("services")
        .annotate(evidence_count=Count("evidence"))
        .order_by("source", "activity", "pk")
    )


def totals_by_source(lines) -> dict:
    """{"by_source": [{source, label, planned_idr, realised_idr, realisation_permille}], "planned_idr",
    "realised_idr", "realisation_permille"}: integer sums in Python of lines already loaded."""
    planned, realised = defaultdict(int), defaultdict(int)
    for line in lines:
        planned[line.source] += line.planned_idr
        realised[line.source] += line.realised_idr or 0
    rows = [
        {
            "source": s.value,
            "label": s.label,
            "planned_idr": planned[s.value],
            "realised_idr": realised[s.value],
            "realisation_permille": rate_permille(realised[s.value], planned[s.value]),
        }
        for s in FundSource
        if planned[s.value] or realised[s.value]
    ]
    p, r = sum(planned.values()), sum(realised.values())
    return {
        "by_source": rows,
        "planned_idr": p,
        "realised_idr": r,
        "realisation_permille": rate_permille(r, p),
    }


def line_years(*, area: Area | None) -> list[int]:
    qs = BudgetLine.objects.order_by()
    if area is not None:
        qs = qs.filter(areas_within_q([area.code], field="area_code"))
    return sorted(set(qs.values_list("year", flat=True).distinct()), reverse=True)


# --- the roll-up ---------------------------------------------------------------------------------------------


def _scope(qs, area: Area | None, field: str = "area_code"):
    return qs if area is None else qs.filter(areas_within_q([area.code], field=field))


def _grouped_lines(area: Area | None, year: int, length: int | None) -> dict:
    """{prefix or "": {source: [planned, realised, lines]}} for the subtree's lines of the year."""
    qs = _scope(BudgetLine.objects.filter(year=year), area).order_by()
    if length:
        qs = qs.annotate(k=Substr("area_code", 1, length)).values("k", "source")
    else:
        qs = qs.values("source")
    out: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for row in qs.annotate(p=Sum("planned_idr"), r=Sum("realised_idr"), n=Count("pk")):
        cell = out[row.get("k", "")][row["source"]]
        cell[0] += int(row["p"] or 0)
        cell[1] += int(row["r"] or 0)
        cell[2] += row["n"]
    return out


def _figures(cells: dict) -> dict:
    planned = sum(c[0] for c in cells.values())
    realised = sum(c[1] for c in cells.values())
    return {
        "planned_idr": planned,
        "realised_idr": realised,
        "realisation_permille": rate_permille(realised, planned),
        "lines": sum(c[2] for c in cells.values()),
        "by_source": {s: cells[s][0] for s in FundSource.values if s in cells and cells[s][0]},
    }


def _child_areas(area: Area | None) -> list[Area]:
    if area is None:
        return list(Area.objects.filter(level=Level.PROVINCE).order_by("code"))
    if area.level == Level.VILLAGE:
        return []
    return list(Area.objects.filter(parent=area).order_by("code"))


def _policy_villages(area: Area | None, year: int, length: int | None) -> tuple[int, dict]:
    """Villages of the subtree with a policy of their own in force in the year: total, and per child prefix."""
    qs = _scope(Policy.objects.filter(in_force_q(year), area__level=Level.VILLAGE), area).order_by()
    codes = set(qs.values_list("area_code", flat=True).distinct())
    by_prefix: dict = defaultdict(int)
    if length:
        for code in codes:
            by_prefix[code[:length]] += 1
    return len(codes), by_prefix, codes


def _village_counts(area: Area | None, length: int | None) -> tuple[int, dict]:
    if area is not None and area.level == Level.VILLAGE:
        return 1, {}
    qs = _scope(Area.objects.filter(level=Level.VILLAGE), area, field="code").order_by()
    if not length:
        return qs.count(), {}
    by_prefix = {
        r["k"]: r["n"] for r in qs.annotate(k=Substr("code", 1, length)).values("k").annotate(n=Count("pk"))
    }
    return sum(by_prefix.values()), by_prefix


def _children_counts(area: Area | None, child_codes: list[str], public: bool) -> dict | None:
    """The children registered per subtree (portal.core.reporting's "children_registered"), cached for five
    minutes on their own: a commitments write recomputes the budgets, not these (one GROUP BY over every case of
    a province, the slowest query of a roll-up at national scale)."""
    key = f"commitments:children:v1:{area.code if area else '-'}:{int(public)}"
    counts = _cache("get", key)
    if counts is None:
        counts = area_count("children_registered", area=area, child_codes=child_codes, public=public)
        if counts is not None:
            _cache("set", key, counts, ROLLUP_CACHE_SECONDS)
    return counts


def _public_policies(area: Area | None, limit: int = 50) -> list[dict]:
    """Published policies of the subtree and of the areas above it, newest first (links for anyone)."""
    q = Q(published_at__isnull=False) & ~Q(status=PolicyStatus.DRAFT)
    if area is not None:
        q &= areas_within_q([area.code], field="area_code") | Q(area_code__in=ancestor_codes(area.code))
    rows = Policy.objects.filter(q).select_related("area").order_by("-issued_on", "-pk")[:limit]
    return [policy_public_dict(p) for p in rows]


def policy_public_dict(p: Policy) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "number": p.number,
        "title": p.title,
        "issued_on": p.issued_on.isoformat() if p.issued_on else None,
        "issuing_body": p.issuing_body,
        "status": p.status,
        "area": p.area_code,
        "area_name": p.area.display_name,
        "document_url": reverse("commitments:policy_document", args=[p.pk]) if p.document else None,
    }


def rollup(*, area: Area | None, year: int, public: bool = False) -> dict:
    """The commitments of an area's subtree (None: the whole country) for a fiscal year. Shape in the module
    docstring of api.py; amounts in integer rupiah, rates and shares in per mille (int) or None. No permission
    check (the figures are public); `public` takes the children counts as the public indicators publish them."""
    children = _child_areas(area)
    length = len(children[0].code) if children else None
    lines = _grouped_lines(area, year, length)
    total_cells: dict = defaultdict(lambda: [0, 0, 0])
    for cells in lines.values():
        for source, (p, r, n) in cells.items():
            t = total_cells[source]
            t[0], t[1], t[2] = t[0] + p, t[1] + r, t[2] + n
    with_policy, policy_by_prefix, policy_codes = _policy_villages(area, year, length)
    villages, villages_by_prefix = _village_counts(area, length)
    kids = _children_counts(area, [c.code for c in children], public)
    kids_total = kids["total"] if kids else None
    kids_by = kids["by_code"] if kids else {}

    # The trend: planned and realised per year up to this one.
    first = year - TREND_YEARS + 1
    trend_rows = (
        _scope(BudgetLine.objects.filter(year__gte=first, year__lte=year), area)
        .order_by()
        .values("year")
        .annotate(p=Sum("planned_idr"), r=Sum("realised_idr"))
    )
    by_year = {row["year"]: (int(row["p"] or 0), int(row["r"] or 0)) for row in trend_rows}
    trend = [{"year": y, "planned_idr": by_year.get(y, (0, 0))[0], "realised_idr": by_year.get(y, (0, 0))[1]}
             for y in range(first, year + 1)]  # fmt: skip

    totals = _figures(total_cells)
    breakdown = []
    for child in children:
        f = _figures(lines.get(child.code, {}))
        n_villages = villages_by_prefix.get(child.code, 1 if child.level == Level.VILLAGE else 0)
        n_policy = policy_by_prefix.get(child.code, 0)
        breakdown.append(
            {
                "area": child.code,
                "name": child.display_name,
                "level": child.level,
                "villages": n_villages,
                "villages_with_policy": n_policy,
                "villages_with_policy_permille": rate_permille(n_policy, n_villages),
                "children_registered": kids_by.get(child.code),
                "idr_per_child": per_head(f["planned_idr"], kids_by.get(child.code)),
                **f,
            }
        )
    # The villages of a kabupaten (for a kecamatan, the breakdown is already its villages).
    villages_table = None
    if area is not None and area.level == Level.REGENCY:
        village_lines = _grouped_lines(area, year, VILLAGE_CODE_LEN)
        codes = {c for c in village_lines if len(c) == VILLAGE_CODE_LEN} | policy_codes
        names = {a.code: a.display_name for a in Area.objects.filter(code__in=codes)}
        villages_table = []
        for code in sorted(codes):
            f = _figures(village_lines.get(code, {}))
            villages_table.append(
                {
                    "area": code,
                    "name": names.get(code, code),
                    "district": code[: len(area.code) + 3],
                    "has_policy": code in policy_codes,
                    **f,
                }
            )
        district_names = {c.code: c.display_name for c in children}
        for row in villages_table:
            row["district_name"] = district_names.get(row["district"], "")
    return {
        "area": area.code if area else None,
        "name": area.display_name if area else "Indonesia",
        "level": area.level if area else None,
        "year": year,
        "villages": villages,
        "villages_with_policy": with_policy,
        "villages_with_policy_permille": rate_permille(with_policy, villages),
        **totals,
        "by_source_detail": [
            {
                "source": s.value,
                "planned_idr": total_cells[s.value][0] if s.value in total_cells else 0,
                "realised_idr": total_cells[s.value][1] if s.value in total_cells else 0,
                "realisation_permille": rate_permille(total_cells[s.value][1], total_cells[s.value][0])
                if s.value in total_cells
                else None,
                "lines": total_cells[s.value][2] if s.value in total_cells else 0,
            }
            for s in FundSource
        ],
        "children_registered": kids_total,
        "idr_per_child": per_head(totals["planned_idr"], kids_total),
        "breakdown": breakdown,
        "villages_table": villages_table,
        "trend": trend,
        "policies": _public_policies(area),
        "computed_at": timezone.localtime().isoformat(),
    }


def rollup_cached(*, area: Area | None, year: int, public: bool = False) -> dict:
    """rollup(), cached until a commitment changes (services bump the version) and for at most five minutes."""
    version = data_version()
    if version is None:
        return rollup(area=area, year=year, public=public)
    key = f"commitments:rollup:v1:{version}:{area.code if area else '-'}:{year}:{int(public)}"
    data = _cache("get", key)
    if data is None:
        data = rollup(area=area, year=year, public=public)
        _cache("set", key, data, ROLLUP_CACHE_SECONDS)
    return data


def public_area(*, code: str | None) -> Area | None:
    """The area of a public roll-up: None for the country, else a province, kabupaten or kecamatan."""
    from django.utils.translation import gettext as _

    from portal.areas.selectors import area_get
    from portal.core.errors import InvalidInput

    if not code:
        return None
    area = area_get(code=code.strip())
    if area.level not in PUBLIC_LEVELS:
        msg = _(
            "The public roll-up is published for a province, kabupaten or kecamatan; see the village's own page."
        )
        raise InvalidInput(msg, errors={"area": [msg]})
    return area


def public_rollup(*, area_code: str | None, year: int | None = None) -> dict:
    """GET /api/v1/public/commitments: the roll-up for anyone, no personal data (children counts suppressed)."""
    area = public_area(code=area_code)
    return rollup_cached(area=area, year=year or current_year(), public=True)


# --- the API's lists -----------------------------------------------------------------------------------------


def commitments_for_api(*, user, area: Area, year: int | None, kind: str | None):
    """(policies, lines) querysets of the area's subtree the person may see, filtered by year and kind."""
    policies = Policy.objects.none()
    lines = BudgetLine.objects.none()
    if kind in (None, "", "policy"):
        policies = Policy.objects.filter(policy_visible_q(user)).filter(
            areas_within_q([area.code], field="area_code")
        )
        if year:
            policies = policies.filter(in_force_q(year) | Q(status=PolicyStatus.DRAFT, created_at__year=year))
        policies = policies.select_related("area").prefetch_related("services").order_by("pk")
    if kind in (None, "", "budget"):
        lines = BudgetLine.objects.filter(areas_within_q([area.code], field="area_code"))
        if year:
            lines = lines.filter(year=year)
        lines = lines.prefetch_related("services").order_by("pk")
    return policies, lines
