"""The registry of a person's home sections (also the header's navigation): one entry per part of Pelita.

The platform registers its own below; each product app registers its sections in its AppConfig.ready() with
`register_section`, so the platform never names a product. An entry whose URL name does not resolve is left out.
Audiences: "anyone", "member" (holds any role), "case_worker", "liaison", "overseer" (facilitator or
coordinator somewhere), "staff" (Wagtail admin access)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

AUDIENCES = ("anyone", "member", "case_worker", "liaison", "overseer", "staff")


@dataclass(frozen=True)
class Section:
    url_name: str
    title: str
    description: str
    audience: str
    order: int


_SECTIONS: dict[str, Section] = {}
_BADGES: dict[str, object] = {}


def register_section(*, url_name: str, title, description, audience: str, order: int) -> None:
    """Add (or replace) the section reached by `url_name`, shown to `audience`, sorted by `order` (10, 20, ...).
    Raises ValueError for an unknown audience."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; one of {AUDIENCES}")
    _SECTIONS[url_name] = Section(url_name, title, description, audience, order)


def register_badge(*, url_name: str, badge) -> None:
    """A short, live text on the home page's card of a section (e.g. "2 unread threads"):
    `badge(*, user) -> str | None`, None or "" shows nothing. Kept off the header, which is cached."""
    _BADGES[url_name] = badge


def section_badge(url_name: str, *, user) -> str:
    badge = _BADGES.get(url_name)
    return (badge(user=user) or "") if badge is not None else ""


def sections() -> list[tuple]:
    """(url name, title, description, audience) of every registered section, in order."""
    return [
        (s.url_name, s.title, s.description, s.audience)
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.url_name))
    ]


register_section(
    url_name="notifications:list",
    title=_("Notifications"),
    description=_("Everything that happened for you."),
    audience="anyone",
    order=50,
)
register_section(
    url_name="areas:browse",
    title=_("Areas"),
    description=_("Browse the areas from province to dusun."),
    audience="anyone",
    order=60,
)
register_section(
    url_name="wagtailadmin_home",
    title=_("Back office"),
    description=_("Stories, areas, agencies and people."),
    audience="staff",
    order=70,
)
