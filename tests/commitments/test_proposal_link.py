"""A budget line can come from a forum proposal accepted into the village plan, and links back to it (the one
seam between commitments and forums: commitments/proposals.py → forums.meetings.selectors)."""

import pytest

from portal.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(demo):
    from forums.meetings.services import proposal_decide, proposal_submit
    from forums.services import forum_ensure
    from portal.areas.models import Area

    jago = Area.objects.get(code="52.02.01.2013")
    forum = forum_ensure(area=jago)
    facilitator = demo["users"]["fasilitator_jago"]
    proposal = proposal_submit(
        forum=forum,
        actor=facilitator,
        title="Hari layanan akta kelahiran keliling",
        description="Dukcapil datang ke balai desa satu hari.",
        estimated_cost_idr=12_500_000,
        plan_year=2027,
    )
    return proposal_decide(proposal_id=proposal.pk, actor=facilitator, action="accept"), jago, facilitator


def test_a_line_links_to_an_accepted_proposal_and_only_to_one(accepted, demo):
    from commitments.proposals import accepted_proposals
    from commitments.services import budget_line_create

    proposal, jago, facilitator = accepted
    refs = accepted_proposals(area=jago, year=2027)
    assert [r.id for r in refs] == [proposal.pk]
    assert refs[0].estimated_cost_idr == 12_500_000 and refs[0].url.startswith("/forums/")
    line = budget_line_create(
        actor=facilitator,
        area=jago,
        year=2027,
        source="dana_desa",
        activity="Layanan akta kelahiran keliling",
        planned_idr=12_000_000,
        proposal_id=proposal.pk,
    )
    assert line.proposal_id == proposal.pk
    with pytest.raises(InvalidInput):
        budget_line_create(
            actor=facilitator,
            area=jago,
            year=2027,
            source="dana_desa",
            activity="Tanpa usulan",
            planned_idr=1,
            proposal_id=10**9,
        )
    assert accepted_proposals(area=jago, year=2026) == []
