"""Small-cell suppression, checked exhaustively on small tables: no published table lets a count from 1 to 4
be worked out, by itself or by subtraction. The check is a brute-force search for another table that agrees
with everything published (an attacker who knows the algorithm: a "<5" cell is 1..4, a withheld cell is 5
or more); a cell is protected when such a table gives it another value."""

import itertools
import random

from portal.core.suppression import Equation, display, is_small, suppress


def table(rows: list[list[int]]):
    """An r×c table with its row, column and grand totals, and its equations."""
    r, c = len(rows), len(rows[0])
    values = {}
    for i, j in itertools.product(range(r), range(c)):
        values[("x", i, j)] = rows[i][j]
    for i in range(r):
        values[("row", i)] = sum(rows[i])
    if r == 1:
        return values, [Equation(("row", 0), tuple(("x", 0, j) for j in range(c)))]
    for j in range(c):
        values[("col", j)] = sum(rows[i][j] for i in range(r))
    values[("all",)] = sum(values[("row", i)] for i in range(r))
    eqs = [Equation(("row", i), tuple(("x", i, j) for j in range(c))) for i in range(r)]
    if r > 1:
        eqs += [Equation(("col", j), tuple(("x", i, j) for i in range(r))) for j in range(c)]
        eqs.append(Equation(("all",), tuple(("row", i) for i in range(r))))
    if c > 1:
        eqs.append(Equation(("all",), tuple(("col", j) for j in range(c))))
    return values, eqs


def _alternative_exists(values, eqs, hidden, target):
    """Is there a table, agreeing with everything published, where target has another value?
    What is published: "<5" is 0..4 (a zero may be shown as "<5"), a withheld cell (None) is 5 or more.
    A search with interval pruning; only complete tables that satisfy every equation count."""
    cap = sum(values.values()) + 1
    eqs = [e for e in eqs if any(c in hidden for c in e.cells())]

    def tighten(box):
        changed = True
        while changed:
            changed = False
            for e in eqs:
                terms = [(e.total, 1)] + [(p, -1) for p in e.parts]
                for cell, sign in terms:
                    if cell not in box:
                        continue
                    lo = hi = 0
                    for other, s in terms:
                        if other == cell:
                            continue
                        a, b = box.get(other, (values[other], values[other]))
                        lo, hi = (lo + s * a, hi + s * b) if s > 0 else (lo + s * b, hi + s * a)
                    # sign*x + rest = 0  →  x = -rest / sign
                    new = (-hi, -lo) if sign > 0 else (lo, hi)
                    a, b = box[cell]
                    na, nb = max(a, new[0]), min(b, new[1])
                    if na > nb:
                        return False
                    if (na, nb) != (a, b):
                        box[cell] = (na, nb)
                        changed = True
        return True

    def search(box):
        if not tighten(box):
            return False
        open_ = [c for c, (a, b) in box.items() if a != b]
        if not open_:
            full = {**values, **{c: a for c, (a, _b) in box.items()}}
            return all(full[e.total] == sum(full[p] for p in e.parts) for e in eqs)
        cell = min(open_, key=lambda c: (box[c][1] - box[c][0], repr(c)))
        a, b = box[cell]
        return any(search({**box, cell: (v, v)}) for v in range(a, b + 1))

    box = {k: ((0, 4) if values[k] <= 4 else (5, cap)) for k in hidden}
    lo, hi = box[target]
    return any(v != values[target] and search({**box, target: (v, v)}) for v in range(lo, hi + 1))


def assert_protected(values, eqs):
    hidden = suppress(values, eqs)
    for cell, v in values.items():
        if is_small(v):
            assert cell in hidden, (cell, values)
            assert display(v, hidden=True) == "<5"
        if cell in hidden and v == 0:
            assert display(v, hidden=True) == "<5", "a withheld zero reads as fewer than five"
    for cell in hidden:
        if is_small(values[cell]):
            assert _alternative_exists(values, eqs, hidden, cell), (cell, values, sorted(hidden, key=repr))
    return hidden


def test_one_row_exhaustive():
    for n in (2, 3, 4):
        for parts in itertools.product([0, 1, 2, 3, 4, 5, 6, 9], repeat=n):
            assert_protected(*table([list(parts)]))


def test_two_by_two_exhaustive():
    for cells in itertools.product([0, 1, 2, 4, 5, 7], repeat=4):
        assert_protected(*table([list(cells[:2]), list(cells[2:])]))


def test_two_by_three_exhaustive():
    for cells in itertools.chain(
        itertools.product([0, 1, 6], repeat=6), itertools.product([0, 2, 5], repeat=6)
    ):
        assert_protected(*table([list(cells[:3]), list(cells[3:])]))


def test_random_larger_tables():
    rng = random.Random(20261124)
    for _ in range(150):
        r, c = rng.choice([(3, 3), (2, 4), (3, 4)])
        rows = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12]) for _j in range(c)] for _i in range(r)]
        assert_protected(*table(rows))


def test_hierarchy_with_two_partitions_of_one_total():
    """As published: a parent and its children, each with a total split two ways (by status, by service)."""
    rng = random.Random(7)
    for _ in range(150):
        values, eqs = {}, []
        kids = ["a", "b", "c"][: rng.choice([2, 3])]
        for kid in kids:
            statuses = [rng.choice([0, 1, 2, 5, 7]) for _s in range(2)]
            total = sum(statuses)
            services = [rng.randint(0, total), 0]
            services[1] = total - services[0]
            values[("t", kid)] = total
            for i, v in enumerate(statuses):
                values[("s", i, kid)] = v
            for i, v in enumerate(services):
                values[("v", i, kid)] = v
            eqs.append(Equation(("t", kid), (("s", 0, kid), ("s", 1, kid))))
            eqs.append(Equation(("t", kid), (("v", 0, kid), ("v", 1, kid))))
        for fam in (("t",), ("s", 0), ("s", 1), ("v", 0), ("v", 1)):
            values[(*fam, "p")] = sum(values[(*fam, k)] for k in kids)
            eqs.append(Equation((*fam, "p"), tuple((*fam, k) for k in kids)))
        eqs.append(Equation(("t", "p"), (("s", 0, "p"), ("s", 1, "p"))))
        eqs.append(Equation(("t", "p"), (("v", 0, "p"), ("v", 1, "p"))))
        assert_protected(values, eqs)


def test_known_cases():
    # 1 of 6: withholding the 5 is not enough (the 1 would be 6 - "5 or more"); the total goes too.
    values, eqs = table([[1, 5]])
    hidden = assert_protected(values, eqs)
    assert ("row", 0) in hidden
    # Nothing small: nothing withheld.
    values, eqs = table([[5, 9], [0, 7]])
    assert suppress(values, eqs) == set()
    assert display(7, hidden=False) == 7
    assert display(12, hidden=True) is None
