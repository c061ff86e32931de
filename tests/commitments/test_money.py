"""Money is integer rupiah: parsed without floats, summed exactly by the database, shown as Rp 12.500.000."""

import random

import pytest

from commitments.models import BudgetLine, FundSource, LineOrigin
from commitments.money import (
    MAX_IDR,
    AmountError,
    format_idr,
    format_rate,
    parse_idr,
    per_head,
    rate_permille,
)
from commitments.selectors import rollup
from tests.factories import area

PARSED = [
    (12500000, 12500000),
    ("12.500.000", 12500000),
    ("Rp 12.500.000", 12500000),
    ("Rp. 12.500.000,00", 12500000),
    ("12500000", 12500000),
    ("12500000,00", 12500000),
    ("12,500,000", 12500000),
    ("12,500,000.00", 12500000),
    (12500000.0, 12500000),
    ("  750.000 ", 750000),
    ("0", 0),
    ("", None),
    (None, None),
    ("-", None),
]
REFUSED = ["12.500.000,50", "12,5", 1.5, "-5000", "dua juta", "1e6", "12.50.000", True, str(MAX_IDR + 1), -1]


@pytest.mark.parametrize(("value", "expected"), PARSED)
def test_parse_idr(value, expected):
    assert parse_idr(value) == expected


@pytest.mark.parametrize("value", REFUSED)
def test_parse_idr_refuses_what_is_not_whole_rupiah(value):
    with pytest.raises(AmountError):
        parse_idr(value)


def test_format():
    assert format_idr(12500000) == "Rp 12.500.000"
    assert format_idr(0) == "Rp 0"
    assert format_idr(None) == "–"
    assert format_idr(999_999_999_999_999) == "Rp 999.999.999.999.999"
    assert rate_permille(2, 3) == 667 and rate_permille(1, 8) == 125 and rate_permille(5, 0) is None
    assert format_rate(812) == "81,2%" and format_rate(None) == "–"
    assert (
        per_head(10, 3) == 3 and per_head(11, 2) == 6 and per_head(5, "<5") is None and per_head(5, 0) is None
    )


def test_sums_of_many_lines_are_exact(areas):
    """10,000 lines of awkward amounts whose total is far beyond a double's exact integers (2**53): the roll-up
    adds them up to the last rupiah, per source and in total."""
    rng = random.Random(15)
    jago, sukaraja = area("52.02.01.2013"), area("52.02.06.2001")
    sources = list(FundSource.values)
    lines, expected = [], {s: [0, 0] for s in sources}
    for i in range(10_000):
        planned = rng.randrange(10**13, 10**14) + 1  # up to Rp 100 trillion a line, odd amounts
        realised = planned - rng.randrange(0, 10**6)
        source = sources[i % len(sources)]
        expected[source][0] += planned
        expected[source][1] += realised
        target = jago if i % 2 else sukaraja
        lines.append(BudgetLine(area=target, area_code=target.code, year=2026, source=source,
                                activity=f"Kegiatan {i}", planned_idr=planned, realised_idr=realised,
                                origin=LineOrigin.MANUAL))  # fmt: skip
    BudgetLine.objects.bulk_create(lines, batch_size=1000)
    total_planned = sum(p for p, _r in expected.values())
    assert total_planned > 2**53  # beyond a double's exact integers: a float sum loses rupiah here
    assert int(sum(float(line.planned_idr) for line in lines)) != total_planned
    data = rollup(area=area("52.02"), year=2026)
    assert data["planned_idr"] == total_planned
    assert data["realised_idr"] == sum(r for _p, r in expected.values())
    for row in data["by_source_detail"]:
        assert (row["planned_idr"], row["realised_idr"]) == tuple(expected[row["source"]])
        assert type(row["planned_idr"]) is int
    assert sum(r["planned_idr"] for r in data["breakdown"]) == total_planned
    assert sum(r["planned_idr"] for r in data["villages_table"]) == total_planned
