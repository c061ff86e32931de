"""Small-cell suppression for the figures published to anyone (the public view and its API).

Every count from 1 to 4 is withheld and shown as "<5" (primary suppression). Because published figures add up
(a kabupaten's count is the sum of its kecamatan, the referrals by status add up to the referrals by service,
...), a withheld count could be worked out by subtraction; so more cells are withheld (complementary
suppression) until no withheld cell can be recovered:

1. the range a withheld cell can take, given everything published (bounds propagated through every
   equation), must hold more than one value. A person who knows this algorithm knows a primary cell is 1..4 and a
   complementary cell is 5 or more (zeros and 1..4 are never complements), so those are the bounds used;
   When every non-zero cell of an equation is withheld and one is still pinned (four "<5" under a "<5"
   total of 4), the zeros of that equation are shown as "<5" too: "<5" means fewer than five;
2. no withheld cell may be determined by combining equations (a linear-algebra check: the cell must not
   have a row of its own in the reduced row echelon form of the system restricted to withheld cells).

Complements are the smallest visible non-zero cell of the offending equation, so as little as possible is
hidden. The result is deterministic. Cells are any hashable keys; equations say `total = sum(parts)`."""

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

SMALL_MIN, SMALL_MAX = 1, 4
COMPLEMENT_MIN = SMALL_MAX + 1
INF = float("inf")
_PRIME = (1 << 61) - 1  # exact enough: arithmetic modulo a large prime for the rank test


@dataclass(frozen=True)
class Equation:
    total: Hashable
    parts: tuple

    def cells(self):
        return (self.total, *self.parts)

    def signed(self):
        return [(self.total, 1)] + [(p, -1) for p in self.parts]


def is_small(value: int) -> bool:
    return SMALL_MIN <= value <= SMALL_MAX


def _bounds(cell, values, primary) -> tuple[float, float]:
    if cell in primary:
        return SMALL_MIN, SMALL_MAX
    if values.get(cell, 0) == 0:  # a zero shown as "<5" (last resort, see _complement)
        return 0, SMALL_MAX
    return COMPLEMENT_MIN, INF


def propagate_bounds(equations, values: dict, hidden: set, primary: set, rounds: int = 50) -> dict:
    """Bounds of every withheld cell given everything published, tightened equation by equation until
    nothing changes (interval constraint propagation: sound, so a collapsed interval is a real leak)."""
    bounds = {c: list(_bounds(c, values, primary)) for c in hidden}
    relevant = [eq for eq in equations if any(c in hidden for c in eq.cells())]
    for _round in range(rounds):
        changed = False
        for eq in relevant:
            signed = eq.signed()
            known = -sum(s * values.get(c, 0) for c, s in signed if c not in hidden)
            cells = [(c, s) for c, s in signed if c in hidden]
            for cell, sign in cells:
                lo_rest = hi_rest = 0.0
                for other, s in cells:
                    if other == cell:
                        continue
                    lo, hi = bounds[other]
                    if s > 0:
                        lo_rest, hi_rest = lo_rest + lo, hi_rest + hi
                    else:
                        lo_rest, hi_rest = lo_rest - hi, hi_rest - lo
                lo_x, hi_x = known - hi_rest, known - lo_rest
                if sign < 0:
                    lo_x, hi_x = -hi_x, -lo_x
                cur = bounds[cell]
                new_lo = max(cur[0], math.ceil(lo_x) if lo_x != -INF else cur[0])
                new_hi = min(cur[1], math.floor(hi_x) if hi_x != INF else cur[1])
                if new_lo > cur[0] or new_hi < cur[1]:
                    cur[0], cur[1] = new_lo, new_hi
                    changed = True
        if not changed:
            break
    return bounds


def _complement(eq: Equation, values: dict, hidden: set):
    candidates = [c for c in eq.cells() if c not in hidden and values.get(c, 0) > 0]
    if not candidates:
        # Every non-zero cell is withheld and one is still pinned (four "<5" under a "<5" total of 4):
        # show the zeros as "<5" too, so that a "<5" may be 0 and nothing is pinned.
        zeros = [c for c in eq.parts if c not in hidden]
        return zeros[0] if zeros else None
    # The smallest visible count; parts before the total (totals are the more useful figures).
    return min(candidates, key=lambda c: (values[c], c == eq.total, repr(c)))


def determined_cells(equations: Iterable[Equation], values: dict, hidden: set) -> set:
    """Withheld cells whose value follows from the equations (restricted to the withheld cells)."""
    index = {}
    rows = []
    for eq in equations:
        row = {}
        for cell, sign in eq.signed():
            if cell in hidden:
                col = index.setdefault(cell, len(index))
                row[col] = (row.get(col, 0) + sign) % _PRIME
        row = {k: v for k, v in row.items() if v}
        if row:
            rows.append(row)
    # Sparse Gauss-Jordan elimination modulo a prime.
    pivots: dict[int, dict] = {}
    for row in rows:
        row = dict(row)
        changed = True
        while changed and row:
            changed = False
            for col in sorted(row):
                if col in pivots:
                    factor = row[col]
                    for c, v in pivots[col].items():
                        nv = (row.get(c, 0) - factor * v) % _PRIME
                        if nv:
                            row[c] = nv
                        else:
                            row.pop(c, None)
                    changed = True
                    break
        if not row:
            continue
        col = min(row)
        inv = pow(row[col], _PRIME - 2, _PRIME)
        row = {c: (v * inv) % _PRIME for c, v in row.items()}
        for other in pivots.values():
            if col in other:
                factor = other[col]
                for c, v in row.items():
                    nv = (other.get(c, 0) - factor * v) % _PRIME
                    if nv:
                        other[c] = nv
                    else:
                        other.pop(c, None)
        pivots[col] = row
    cells = {col: cell for cell, col in index.items()}
    return {cells[col] for col, row in pivots.items() if len(row) == 1}


def suppress(values: dict, equations: list[Equation]) -> set:
    """The cells to withhold: every 1..4 and the complements that stop them being recovered."""
    equations = [eq for eq in equations if eq.parts]
    primary = {c for c, v in values.items() if is_small(v)}
    hidden = set(primary)
    by_cell = defaultdict(list)
    for eq in equations:
        for cell in eq.cells():
            by_cell[cell].append(eq)
    while hidden:
        bounds = propagate_bounds(equations, values, hidden, primary)
        pinned = sorted((c for c, (lo, hi) in bounds.items() if hi - lo < 1), key=repr)
        if not pinned:
            pinned = sorted(determined_cells(equations, values, hidden), key=repr)
        if not pinned:
            break
        added = False
        for cell in pinned:
            for eq in by_cell[cell]:
                extra = _complement(eq, values, hidden)
                if extra is not None:
                    hidden.add(extra)
                    added = True
                    break
        if not added:
            break
    return hidden


def display(value: int, *, hidden: bool):
    """What is published for a count: the int; "<5" for 1..4 (and for a zero withheld to protect a
    neighbour: fewer than five is true of it too); None for a complement of 5 or more (withheld)."""
    if not hidden:
        return value
    return "<5" if value <= SMALL_MAX else None
