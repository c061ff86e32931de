"""Which audiences of the kinds registry (portal.notifications.kinds.AUDIENCES) a person belongs to."""

from django.conf import settings

from .kinds import AUDIENCES, EDITOR, LIAISON

# Groups whose members work in the CMS (Wagtail's default editor and moderator groups).
EDITOR_GROUPS = tuple(getattr(settings, "PELITA_EDITOR_GROUPS", ("Editors", "Moderators")))


def person_audiences(user) -> set[str]:
    """The person's membership roles anywhere, "liaison" for a liaison of an agency, "editor" for CMS staff.
    A superuser belongs to every audience (they may receive anything)."""
    if user.is_superuser:
        return set(AUDIENCES)
    from portal.agencies.models import Agency
    from portal.people.models import Membership

    found = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    groups = user.groups.all()
    if Agency.objects.filter(group__in=groups).exists():
        found.add(LIAISON)
    if user.is_staff or groups.filter(name__in=EDITOR_GROUPS).exists():
        found.add(EDITOR)
    return found & set(AUDIENCES)
