"""The one seam to another product: the forums' accepted proposals (usulan) to the village plan (issue 14), which
a budget line can come from and link back to. Declared in pyproject.toml's import contract
(`commitments.proposals -> forums.meetings.selectors`): `accepted_proposals(*, area, year)` and
`accepted_proposal_get(*, pk)`. A line's `proposal_id` is a nullable reference, so commitments keep working
where no forum has proposed anything."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalRef:
    id: int
    title: str
    estimated_cost_idr: int | None
    area_code: str
    url: str


def _ref(p) -> ProposalRef:
    from django.urls import reverse

    return ProposalRef(
        id=int(p.id),
        title=str(p.title),
        estimated_cost_idr=p.estimated_cost_idr,
        area_code=p.village.code,
        url=reverse("forums:proposals", args=[p.forum.area.code]),
    )


def proposals_available() -> bool:
    return True


def accepted_proposals(*, area, year: int | None = None) -> list[ProposalRef]:
    """Accepted proposals of the desa in `area`'s subtree for `year` (every year for None), for the line form."""
    from forums.meetings.selectors import accepted_proposals as forum_accepted

    return [_ref(p) for p in forum_accepted(area=area, year=year)]


def accepted_proposal(*, id: int) -> ProposalRef | None:
    """One accepted proposal by id, or None (unknown or not accepted)."""
    from forums.meetings.selectors import accepted_proposal_get

    p = accepted_proposal_get(pk=id)
    return _ref(p) if p is not None else None
