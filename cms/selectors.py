"""Reads for the public site: story lists, filters, search, translations, home page figures and links."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from .models import HomePage, StoryPage, Theme

SEARCH_LIMIT = 200


@dataclass(frozen=True)
class StoryFilters:
    theme: str = ""
    kabupaten: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query) -> "StoryFilters":
        theme = (query.get("theme") or "").strip()[:40]
        kabupaten = (query.get("kabupaten") or "").strip()[:10]
        q = (query.get("q") or "").strip()[:100]
        return cls(theme=theme, kabupaten=kabupaten, q=q)

    @property
    def active(self) -> bool:
        return bool(self.theme or self.kabupaten or self.q)


def _story_queryset():
    return (
        StoryPage.objects.live()
        .public()
        .select_related("area", "image", "locale")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.all()))
        .defer_streamfields()
    )


def absolute_url(request, url: str) -> str:
    """The address as the visitor reached the site (ALLOWED_HOSTS vouches for the host), not Wagtail's
    configured Site hostname, so links work behind whatever name the site is served under."""
    if not url or url.startswith(("http://", "https://")) or request is None:
        return url
    return request.build_absolute_uri(url)


def story_list(*, index_page, filters: StoryFilters):
    """Live, public stories under the index, newest first, filtered by theme and kabupaten; `q` searches title,
    summary and body with Wagtail search (PostgreSQL full text on PostgreSQL) and keeps the relevance order."""
    stories = _story_queryset().child_of(index_page)
    if filters.theme:
        stories = stories.filter(themes__slug=filters.theme)
    if filters.kabupaten:
        stories = stories.filter(area__code__startswith=filters.kabupaten + ".") | stories.filter(
            area__code=filters.kabupaten
        )
    stories = stories.order_by("-date", "-first_published_at")
    if not filters.q:
        return stories
    matches = StoryPage.objects.live().public().child_of(index_page).search(filters.q)[:SEARCH_LIMIT]
    ranked = [page.pk for page in matches]
    order = {pk: i for i, pk in enumerate(ranked)}
    return sorted(stories.filter(pk__in=ranked), key=lambda page: order[page.pk])


def story_kabupaten(*, index_page) -> list[dict]:
    """The kabupaten that stories under this index are about, for the filter."""
    from portal.areas.models import Area

    codes = set(
        StoryPage.objects.live()
        .child_of(index_page)
        .exclude(area__isnull=True)
        .values_list("area__code", flat=True)
    )
    kabupaten = {".".join(code.split(".")[:2]) for code in codes}
    return [{"code": a.code, "name": a.display_name} for a in Area.objects.filter(code__in=kabupaten)]


def latest_stories(*, locale, limit: int = 3) -> list[StoryPage]:
    return list(_story_queryset().filter(locale=locale).order_by("-date", "-first_published_at")[:limit])


def translation_links(*, page, request=None) -> list[dict]:
    """For each site language: the address of this page in that language (`exists`), or else of that
    language's home page, so the language switch always lands somewhere sensible. One query."""
    codes = [code for code, _name in settings.LANGUAGES]
    names = dict(settings.LANGUAGES)
    translations = {
        p.locale.language_code: p
        for p in Page.objects.live()
        .public()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
    }
    homes = None
    links = []
    for code in codes:
        target = translations.get(code)
        exists = target is not None
        if target is None:
            if homes is None:
                homes = {h.locale.language_code: h for h in HomePage.objects.live().select_related("locale")}
            target = homes.get(code)
        url = target.get_url(request=request) if target is not None else "/"
        links.append(
            {
                "code": code,
                "name": names[code],
                "url": url,
                "full_url": absolute_url(request, url),
                "exists": exists,
                "current": code == page.locale.language_code,
            }
        )
    return links


def translations_out_of_date() -> list[dict]:
    """Translated pages whose source (the Indonesian page) was changed after the translation was last edited:
    what an editor must bring back in step. Shown on the Wagtail dashboard."""
    default = Locale.get_default()
    sources = {
        p.translation_key: p
        for p in Page.objects.filter(locale=default, depth__gt=1).only(
            "id", "title", "draft_title", "translation_key", "latest_revision_created_at"
        )
    }
    stale = []
    for translation in (
        Page.objects.exclude(locale=default)
        .filter(translation_key__in=sources.keys())
        .select_related("locale")
        .only("id", "title", "draft_title", "translation_key", "locale", "latest_revision_created_at")
    ):
        source = sources[translation.translation_key]
        if (
            source.latest_revision_created_at
            and translation.latest_revision_created_at
            and source.latest_revision_created_at > translation.latest_revision_created_at
        ):
            stale.append({"source": source, "translation": translation})
    return stale


def public_key_figures() -> dict | None:
    """Aggregates from the dashboard (small cells already suppressed there), or None until it exists."""
    try:
        from dashboard.selectors import public_indicators
    except ImportError:
        return None
    try:
        data = public_indicators(area_code=None)
    except Exception:  # the home page must render even when the figures cannot be computed
        import logging

        logging.getLogger("pelita.cms").warning("public indicators unavailable", exc_info=True)
        return None
    if not isinstance(data, dict):
        return None
    by_status = data.get("referrals_by_status") or {}
    completed = by_status.get("completed")
    referrals = data.get("referrals_total")
    if referrals is None and by_status:
        numbers = [v for v in by_status.values() if isinstance(v, int)]
        referrals = sum(numbers) if len(numbers) == len(by_status) else None
    figures = [
        {"value": data.get("children_registered"), "label": _("children registered")},
        {"value": referrals, "label": _("referrals to services")},
        {"value": completed, "label": _("services delivered")},
        {
            "value": _days(data.get("median_days_to_accept")),
            "label": _("median days for an agency to answer a referral"),
        },
    ]
    figures = [f for f in figures if f["value"] not in (None, "")]
    if not figures:
        return None
    return {"figures": figures, "url": _reverse_or_empty("dashboard:public")}


def _days(value):
    if value is None or isinstance(value, str):
        return value
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _reverse_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def home_links(*, user) -> list[dict]:
    """Where a visitor goes next: the forums for members, the login page for everyone else."""
    links = []
    if user.is_authenticated:
        forums = _reverse_or_empty("forums:my_forums")
        if forums:
            links.append({"url": forums, "title": _("Go to my forums")})
        links.append({"url": reverse("home"), "title": _("My Pelita")})
    else:
        links.append({"url": reverse("login"), "title": _("Log in (members and partners)")})
    return links


def sitemap_entries(*, request) -> list[dict]:
    """Every live public page in every language, each with its translations as hreflang alternates.
    Two queries whatever the number of pages (URLs come from Wagtail's cached site root paths)."""
    pages = list(
        Page.objects.live()
        .public()
        .filter(depth__gt=1)
        .select_related("locale")
        .only(
            "id", "url_path", "translation_key", "last_published_at", "locale__language_code", "depth", "path"
        )
        .order_by("path")
    )
    by_key: dict = {}
    for page in pages:
        relative = page.get_url(request=request)
        page._cms_full_url = absolute_url(request, relative) if relative else ""
        if page._cms_full_url:
            by_key.setdefault(page.translation_key, []).append(page)
    entries = []
    for page in pages:
        if not page._cms_full_url:
            continue
        siblings = by_key[page.translation_key]
        entries.append(
            {
                "location": page._cms_full_url,
                "lastmod": page.last_published_at,
                "alternates": [
                    {"code": p.locale.language_code, "location": p._cms_full_url} for p in siblings
                ]
                if len(siblings) > 1
                else [],
            }
        )
    return entries
