"""Small server-side SVG charts of commitments (no JavaScript), drawn for a 360 px phone like the dashboard's:
planned-vs-realised bars per source or area, and a yearly trend. Geometry here, markup in
templates/commitments/charts/. Each chart carries a title, a description and its data table."""

from dataclasses import dataclass, field

from .money import format_idr

WIDTH = 360
LABEL_W = 130
BAR_MAX = WIDTH - LABEL_W - 10
PAIR_H = 34  # two bars (planned, realised) per row


@dataclass
class PairChart:
    id: str
    title: str
    rows: list = field(default_factory=list)
    height: int = 0


def pair_chart(*, id: str, title: str, rows) -> PairChart:
    """rows: (label, planned, realised, url or ""), amounts in integer rupiah."""
    top = max([max(p, r or 0) for _l, p, r, _u in rows] or [0]) or 1
    chart = PairChart(id=id, title=title)
    for i, (label, planned, realised, url) in enumerate(rows):
        y = i * PAIR_H
        chart.rows.append(
            {
                "label": label,
                "url": url,
                "planned": format_idr(planned),
                "realised": format_idr(realised or 0),
                "pw": round(BAR_MAX * planned / top, 1),
                "rw": round(BAR_MAX * (realised or 0) / top, 1),
                "y": y,
                "ry": y + 14,
                "ty": y + 18,
            }
        )
    chart.height = max(len(chart.rows), 1) * PAIR_H
    return chart


@dataclass
class TrendChart:
    id: str
    title: str
    bars: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    height: int = 180
    top_label: str = ""


def trend_chart(*, id: str, title: str, trend: list[dict]) -> TrendChart:
    """trend: [{"year", "planned_idr", "realised_idr"}]: grouped columns per year."""
    chart = TrendChart(id=id, title=title)
    top = max([max(t["planned_idr"], t["realised_idr"]) for t in trend] or [0]) or 1
    chart.top_label = format_idr(top)
    base, height = 150, 130
    n = max(len(trend), 1)
    slot = (WIDTH - 20) / n
    for i, t in enumerate(trend):
        x = 10 + i * slot
        ph = round(height * t["planned_idr"] / top, 1)
        rh = round(height * t["realised_idr"] / top, 1)
        w = round(slot * 0.35, 1)
        chart.bars.append(
            {
                "year": t["year"],
                "px": round(x + slot * 0.12, 1),
                "rx": round(x + slot * 0.12 + w + 2, 1),
                "w": w,
                "ph": ph,
                "rh": rh,
                "py": round(base - ph, 1),
                "ry": round(base - rh, 1),
                "lx": round(x + slot / 2, 1),
                "planned": format_idr(t["planned_idr"]),
                "realised": format_idr(t["realised_idr"]),
            }
        )
        chart.rows.append(
            {
                "year": t["year"],
                "planned": format_idr(t["planned_idr"]),
                "realised": format_idr(t["realised_idr"]),
            }
        )
    return chart
