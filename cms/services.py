"""Writes for the public site: the site tree, the editorial groups and the review workflow (idempotent, run
after every `migrate`), and the page operations the demo and the tests use."""

import logging

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import HomePage, Theme

logger = logging.getLogger("pelita.cms")

EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW_NAME = "Story review"
TASK_NAME = "Moderator approval"

HOME_TITLES = {"id": "Pelita", "en": "Pelita"}
HOME_SLUG = "beranda"

# Page permissions, on the tree root so they cover every locale's home page.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
MODERATOR_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "publish_page", "bulk_delete_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
GLOBAL_PERMISSIONS = [("wagtailadmin", "access_admin"), ("simple_translation", "submit_translation")]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _ensure_permissions_exist() -> None:
    """post_migrate runs app by app: make sure the permissions this setup grants exist already."""
    for label in ("wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "simple_translation"):
        create_permissions(django_apps.get_app_config(label), verbosity=0)


def _ensure_locales() -> dict[str, Locale]:
    from django.conf import settings

    return {code: Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES}


def _ensure_root(locale: Locale) -> Page:
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def _ensure_home_pages(root: Page, locales: dict[str, Locale]) -> HomePage:
    default = locales["id"]
    home = HomePage.objects.filter(locale=default, depth=2).first()
    if home is None:
        home = HomePage(
            title=HOME_TITLES["id"],
            slug=HOME_SLUG,
            locale=default,
            intro="Melindungi anak pekerja migran yang ditinggal di kampung halaman, dari dusun sampai provinsi.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    for code, locale in locales.items():
        if code == "id" or home.has_translation(locale):
            continue
        translated = home.copy_for_translation(locale)
        translated.title = HOME_TITLES.get(code, home.title)
        translated.intro = (
            "Protecting the children migrant workers leave at home, from the hamlet to the province."
            if code == "en"
            else home.intro
        )
        translated.save_revision().publish()
    # The site's root is the Indonesian home page; Wagtail serves its translation under /en/.
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = base_url_host_port()
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Pelita"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or "Pelita"
        site.save()
    # Wagtail's placeholder "Welcome to your new Wagtail site!" page goes once nothing points at it.
    for placeholder in Page.objects.filter(
        depth=2, content_type__model="page", content_type__app_label="wagtailcore"
    ):
        if placeholder.numchild == 0 and not Site.objects.filter(root_page=placeholder).exists():
            placeholder.delete()
    return home


def base_url_host_port() -> tuple[str, int]:
    """The host and port of settings.PELITA_BASE_URL (the address Pelita is served at: `make run` sets it from
    its PORT), for the default Wagtail Site."""
    from urllib.parse import urlsplit

    parts = urlsplit(settings.PELITA_BASE_URL)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def site_follow_base_url() -> Site:
    """The demo's default Site takes the host and port Pelita is served on (docs/DEPLOY.md, "The Site"), so the
    Wagtail API's meta.html_url / detail_url, feeds and sitemaps name the address people use. Production sets
    its Site in the admin; `manage.py check --deploy --database default` warns when it is not in ALLOWED_HOSTS."""
    hostname, port = base_url_host_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
    return site


def _ensure_groups(root: Page) -> tuple[Group, Group]:
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for group, page_permissions in (
        (editors, EDITOR_PAGE_PERMISSIONS),
        (moderators, MODERATOR_PAGE_PERMISSIONS),
    ):
        for app_label, codename in GLOBAL_PERMISSIONS:
            group.permissions.add(_permission(app_label, codename))
        for codename in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_permission("wagtailcore", codename)
            )
        for app_label, codename in COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )
    # Editors draft and submit; only moderators publish (Wagtail's default grants Editors no publish either).
    GroupPagePermission.objects.filter(
        group=editors, permission__codename__in=["publish_page", "bulk_delete_page"]
    ).delete()
    return editors, moderators


def _ensure_workflow(root: Page, moderators: Group) -> Workflow:
    """submit → a moderator approves → live; a rejection sends the page back to its editor."""
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(moderators)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def cms_setup() -> HomePage:
    """Locales, the home page per language, the site, the themes, the Editors and Moderators groups and the
    review workflow. Idempotent: runs after every migrate (and after a test database flush)."""
    _ensure_permissions_exist()
    locales = _ensure_locales()
    root = _ensure_root(locales["id"])
    home = _ensure_home_pages(root, locales)
    for order, slug in enumerate(Theme.LABELS):
        Theme.objects.update_or_create(slug=slug, defaults={"sort_order": order})
    _editors, moderators = _ensure_groups(root)
    _ensure_workflow(root, moderators)
    from .media import media_collections, media_sync

    media_collections()
    media_sync()
    from .languages import admin_languages_sync_all

    admin_languages_sync_all()
    return home


def page_publish(*, page: Page, user=None) -> Page:
    """Save a revision and publish it now (or schedule it, when the page has a future go_live_at)."""
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    page.refresh_from_db()
    return page


def page_translate(*, page: Page, language: str, user=None, **fields) -> Page:
    """Copy a page into another locale (a draft, as simple_translation does) and fill in its translated fields."""
    locale = Locale.objects.get(language_code=language)
    translated = page.get_translations().filter(locale=locale).first()
    if translated is None:
        translated = page.copy_for_translation(locale).specific
    else:
        translated = translated.specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.full_clean()
    translated.save_revision(user=user)
    return translated
