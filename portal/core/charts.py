"""Charts drawn on the server as small, accessible SVG (no JavaScript): the geometry is computed here (in the
platform, so every product's report section draws the same charts), the markup is in the dashboard app's
templates/dashboard/charts/ (bars.html, line.html), which a section's template includes. Each chart has a <title>,
a description and the data table behind it."""

from dataclasses import dataclass, field

WIDTH = 360  # drawn for a phone: 1 SVG unit is about 1 CSS pixel at 360 px
# Each row: its label on a line of its own (the whole width, so a long name is not cut), the bar below it.
BAR_ROW = 40
LABEL_H = 15
BAR_H = 16
VALUE_W = 48  # room after the longest bar for its value ("12345", "<5")
BAR_MAX = WIDTH - VALUE_W


@dataclass
class BarChart:
    id: str
    title: str
    rows: list = field(default_factory=list)  # dicts: label, value, shown, width, y, url
    height: int = 0
    value_label: str = ""


def bar_chart(*, id: str, title: str, rows, value_label: str = "") -> BarChart:
    """rows: (label, value, url or "") — value may be a published string ("<5") or None (withheld)."""
    numeric = [v for _l, v, _u in rows if isinstance(v, int | float)]
    top = max(numeric, default=0) or 1
    chart = BarChart(id=id, title=title, value_label=value_label)
    for i, (label, value, url) in enumerate(rows):
        is_num = isinstance(value, int | float)
        width = round(BAR_MAX * value / top, 1) if is_num and value else 0
        y = i * BAR_ROW
        chart.rows.append(
            {
                "label": label,
                "value": value,
                "shown": value if value is not None else "×",
                "width": width,
                "y": y,
                "label_x": 2,  # a glyph may reach a pixel left of its x
                "label_y": y + 12,
                "bar_y": y + LABEL_H + 2,
                "text_y": y + LABEL_H + 2 + 13,
                "value_x": width + 6,
                "url": url,
            }
        )
    chart.height = max(len(chart.rows), 1) * BAR_ROW
    return chart


@dataclass
class LineChart:
    id: str
    title: str
    series: list = field(default_factory=list)  # dicts: name, css, points, dots
    labels: list = field(default_factory=list)  # dicts: x, text
    rows: list = field(default_factory=list)  # the data table: month, values
    names: list = field(default_factory=list)
    top: int = 0
    width: int = WIDTH
    height: int = 200


def line_chart(*, id: str, title: str, months, series, month_format) -> LineChart:
    """series: (name, css class, [values per month])."""
    chart = LineChart(id=id, title=title)
    left, right, top_pad, bottom = 34, 12, 12, 172
    n = len(months)
    top = max((max(values, default=0) for _n, _c, values in series), default=0) or 1
    chart.top = top
    step = (chart.width - left - right) / max(n - 1, 1)

    def xy(i, v):
        return round(left + i * step, 1), round(bottom - (bottom - top_pad) * v / top, 1)

    for name, css, values in series:
        pts = [xy(i, v) for i, v in enumerate(values)]
        chart.series.append(
            {
                "name": name,
                "css": css,
                "points": " ".join(f"{x},{y}" for x, y in pts),
                "dots": [{"x": x, "y": y, "v": v} for (x, y), v in zip(pts, values, strict=True)],
            }
        )
    every = max(1, (n + 3) // 4)
    chart.labels = [
        {"x": xy(i, 0)[0], "text": month_format(m)} for i, m in enumerate(months) if i % every == 0
    ]
    chart.names = [name for name, _c, _v in series]
    chart.rows = [
        {"month": month_format(m), "values": [values[i] for _n, _c, values in series]}
        for i, m in enumerate(months)
    ]
    return chart
