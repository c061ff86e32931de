"""The back office of the public site: the area chooser of the story editor, the translations-to-update
panel on the dashboard, and the review workflow's notifications (one place, Wagtail's workflow signals)."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.signals import task_approved, task_rejected, task_submitted

from .choosers import area_chooser_viewset


@hooks.register("before_serve_document", order=-100)
def refuse_private_document(document, request):
    """A document not yet on a live public page is 404 to visitors (cms/media.py, issue 19.7)."""
    from .media import refuse_private_document

    return refuse_private_document(document, request)


@hooks.register("register_admin_urls")
def register_cms_admin_urls():
    from .admin_views import redact_revisions

    return [path("cms/pages/<int:page_id>/redact/", redact_revisions, name="cms_redact_revisions")]


class RedactRevisionsMenuItem(PageMenuItem):
    """On a page's header menu: remove the text of its older versions (cms/redaction.py, issue 19.4)."""

    label = _("Remove text of older versions")
    icon_name = "bin"

    @cached_property
    def url(self):
        return reverse("cms_redact_revisions", args=[self.page.pk])

    def is_shown(self, user):
        from .redaction import can_redact

        return can_redact(page=self.page, user=user)


@hooks.register("register_page_header_buttons")
def redact_revisions_button(page, user, view_name, next_url=None):
    yield RedactRevisionsMenuItem(page=page, priority=66)


@hooks.register("register_admin_viewset")
def register_area_chooser():
    return area_chooser_viewset


class TranslationsToUpdatePanel(Component):
    name = "cms_translations_to_update"
    order = 150

    def render_html(self, parent_context=None):
        from .selectors import translations_out_of_date

        stale = translations_out_of_date()
        if not stale:
            return ""
        return render_to_string("cms/admin/translations_panel.html", {"stale": stale})


@hooks.register("construct_homepage_panels")
def add_translations_panel(request, panels):
    if request.user.has_perm("simple_translation.submit_translation"):
        panels.append(TranslationsToUpdatePanel())


# --- workflow notifications ---------------------------------------------------------------------------


def _page_of(task_state):
    obj = task_state.workflow_state.content_object
    return getattr(obj, "specific", obj)


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _notify(**kwargs):
    from portal.notifications.services import notify

    notify(**kwargs)


def on_task_submitted(sender, instance, user=None, **kwargs):
    """A page went to review: tell the moderators of the task (its groups' members)."""
    from django.contrib.auth import get_user_model

    groups = getattr(instance.task.specific, "groups", None)
    if groups is None:
        return
    page = _page_of(instance)
    reviewers = get_user_model().objects.filter(groups__in=groups.all(), is_active=True).distinct()
    _notify(
        recipients=list(reviewers),
        kind="story.review",
        params={"title": page.title},
        url=_edit_url(page),
        actor=user,
    )


def _tell_requester(instance, user, kind):
    workflow_state = instance.workflow_state
    requester = workflow_state.requested_by
    if requester is None:
        return
    page = _page_of(instance)
    url = page.url if kind == "story.approved" and page.live else _edit_url(page)
    _notify(
        recipients=[requester],
        kind=kind,
        params={"title": page.title},
        url=url or _edit_url(page),
        actor=user,
    )


def on_task_approved(sender, instance, user=None, **kwargs):
    # Sent after the workflow moved on: on the last task the page is already live.
    _tell_requester(instance, user, "story.approved")


def on_task_rejected(sender, instance, user=None, **kwargs):
    _tell_requester(instance, user, "story.rejected")


task_submitted.connect(on_task_submitted, dispatch_uid="cms.task_submitted")
task_approved.connect(on_task_approved, dispatch_uid="cms.task_approved")
task_rejected.connect(on_task_rejected, dispatch_uid="cms.task_rejected")


@hooks.register("construct_help_menu")
def help_menu_in_the_readers_language(request, items):
    """Wagtail formats its "What's new in Wagtail N" label once, at start-up, in the language of that moment;
    say it in the reader's language instead (the other labels are lazy and need nothing)."""
    import copy

    from django.utils.translation import gettext
    from wagtail.utils.version import get_main_version

    for i, item in enumerate(items):
        if getattr(item, "name", "").startswith("whats-new-in-wagtail-"):
            translated = copy.copy(item)
            translated.label = gettext("What's new in Wagtail %(version)s") % {
                "version": get_main_version(include_patch=False)
            }
            items[i] = translated
