"""What a person's home page offers: one entry per part of Pelita they can use."""

from django.urls import NoReverseMatch, reverse

from portal.agencies.selectors import user_agencies
from portal.people.models import OVERSEER_ROLES, Role
from portal.people.selectors import user_memberships

from .navigation import section_badge
from .navigation import sections as registered_sections


def home_sections(*, user, badges: bool = False) -> list[dict]:
    """The sections the person may use: {"url", "title", "description"}, plus "badge" (a live text, see
    navigation.register_badge) when `badges`."""
    memberships = list(user_memberships(user=user))
    roles = {m.role for m in memberships}
    audiences = {"anyone"}
    if memberships:
        audiences.add("member")
    if Role.CASE_WORKER in roles:
        audiences.add("case_worker")
    if roles & set(OVERSEER_ROLES):
        audiences.add("overseer")
    if user_agencies(user=user).exists():
        audiences.add("liaison")
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        audiences.add("staff")
    sections = []
    for name, title, description, audience in registered_sections():
        if audience not in audiences:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        entry = {"url": url, "title": title, "description": description}
        if badges:
            entry["badge"] = section_badge(name, user=user)
        sections.append(entry)
    return sections
