"""What a person's home page offers: one entry per part of Pelita they can use."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.agencies.selectors import user_agencies
from portal.people.models import OVERSEER_ROLES, Role
from portal.people.selectors import user_memberships

# (url name, title, description, who sees it). Apps whose pages have not landed yet are left out silently.
SECTIONS = [
    ("forums:my_forums", _("My forums"), _("Discuss and coordinate in the forums of your areas."), "member"),
    (
        "referrals:case_list",
        _("Children and cases"),
        _("Register children, record consent, send referrals."),
        "case_worker",
    ),
    ("referrals:inbox", _("Agency inbox"), _("Referrals sent to your agency."), "liaison"),
    ("dashboard:index", _("Dashboard"), _("Figures for your areas."), "overseer"),
    ("notifications:list", _("Notifications"), _("Everything that happened for you."), "anyone"),
    ("areas:browse", _("Areas"), _("Browse the areas from province to dusun."), "anyone"),
    ("wagtailadmin_home", _("Back office"), _("Stories, areas, agencies and people."), "staff"),
]


def home_sections(*, user) -> list[dict]:
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
    for name, title, description, audience in SECTIONS:
        if audience not in audiences:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        sections.append({"url": url, "title": title, "description": description})
    return sections
