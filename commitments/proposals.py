"""The one seam to another product: the forums' accepted proposals (usulan) to the village plan (issue 14), which
a budget line can come from and link back to. Declared in pyproject.toml's import contract.

The forums app is expected to expose `forums.selectors.proposals_accepted(*, area, year=None)` -> iterable of
objects with `id`, `title`, `estimated_cost_idr`, `area` (an Area) and `url` (or a `get_absolute_url()`), and
`forums.selectors.proposal_get_accepted(*, id)` -> one of them or None. Until the meetings work lands, neither
exists and every function here answers "nothing": a line's `proposal_id` stays a nullable reference."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalRef:
    id: int
    title: str
    estimated_cost_idr: int | None
    area_code: str
    url: str


def _selectors():
    import forums.selectors as forum_selectors

    return forum_selectors


def _ref(p) -> ProposalRef:
    url = getattr(p, "url", None) or (p.get_absolute_url() if hasattr(p, "get_absolute_url") else "")
    area = getattr(p, "area", None)
    return ProposalRef(
        id=int(p.id),
        title=str(p.title),
        estimated_cost_idr=getattr(p, "estimated_cost_idr", None),
        area_code=getattr(area, "code", "") if area is not None else "",
        url=url,
    )


def proposals_available() -> bool:
    return hasattr(_selectors(), "proposals_accepted")


def accepted_proposals(*, area, year: int | None = None) -> list[ProposalRef]:
    """Accepted proposals of the area's forum (for the line form's choice); [] until the forums provide them."""
    fn = getattr(_selectors(), "proposals_accepted", None)
    if fn is None:
        return []
    return [_ref(p) for p in fn(area=area, year=year)]


def accepted_proposal(*, id: int) -> ProposalRef | None:
    """One accepted proposal by id, or None (unknown, not accepted, or no proposals in this Pelita)."""
    fn = getattr(_selectors(), "proposal_get_accepted", None)
    if fn is None:
        return None
    p = fn(id=id)
    return _ref(p) if p is not None else None
