"""Start-up checks of the production setup, in the style of `check --deploy` (run by `make serve`:
`manage.py check --deploy --database default`). docs/DEPLOY.md, "The Site"."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host


def _allowed(host: str) -> bool:
    return validate_host(host, settings.ALLOWED_HOSTS)


@register(Tags.sites, deploy=True)
def check_public_address(app_configs=None, databases=None, **kwargs):
    """PELITA_BASE_URL and every Wagtail Site must name a host in ALLOWED_HOSTS: the links of e-mails, of the
    Wagtail API (meta.html_url, detail_url), of feeds and of the sitemap are built from them."""
    problems = []
    base_host = urlsplit(settings.PELITA_BASE_URL).hostname or ""
    if not _allowed(base_host):
        problems.append(
            Warning(
                f"PELITA_BASE_URL ({settings.PELITA_BASE_URL}) names {base_host!r}, which is not in ALLOWED_HOSTS.",
                hint="Set PELITA_BASE_URL to the public address, e.g. https://pelita.example.org.",
                id="pelita.W001",
            )
        )
    if not databases:
        return problems  # the Site table is read only with --database (Django keeps checks off the database)
    from django.db import DatabaseError
    from wagtail.models import Site

    try:
        sites = list(Site.objects.all())
    except DatabaseError:  # not migrated yet
        return problems
    for site in sites:
        if not _allowed(site.hostname):
            problems.append(
                Warning(
                    f"The Wagtail Site {site.site_name or site.pk!s} has the hostname {site.hostname!r}, which is "
                    "not in ALLOWED_HOSTS: the Wagtail API's meta.html_url and detail_url, feeds and the sitemap "
                    "would name an address nobody can reach.",
                    hint="Set the Site's hostname and port in the admin (Settings → Sites) to the public address.",
                    id="pelita.W002",
                )
            )
    return problems
