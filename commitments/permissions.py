"""Who may do what with commitments (issue 15). Derived from memberships at the time of asking, like the dashboard
(no grants to keep in sync): one query.

| who | policies | budget lines | evidence, unpublished documents |
|---|---|---|---|
| anyone, logged in or not | published ones | every line (village budgets are public information under the Village Law) and the roll-ups | no |
| coordinator or facilitator of the area or of an area above it ("recorder") | record, change, enact, publish | record, change, import | see and add |
| superuser | as a recorder everywhere | | |
"""

from portal.areas.models import Area, Level
from portal.people.models import OVERSEER_ROLES
from portal.people.selectors import user_oversees_area

# Areas that make commitments: from the village up (a dusun has no budget of its own).
COMMITTING_LEVELS = (Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE)


def user_records_area(*, user, area: Area) -> bool:
    """True for a superuser, and for a coordinator or facilitator of the area or of an area above it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user_oversees_area(user=user, area=area, roles=OVERSEER_ROLES)


def user_record_codes(*, user) -> list[str] | None:
    """Codes of the areas whose subtrees the person records in (None: everywhere, for a superuser)."""
    from portal.people.selectors import user_area_codes

    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    return user_area_codes(user=user, roles=OVERSEER_ROLES)
