"""Back-office views of the public site (Wagtail admin): remove the text of a page's older versions (19.4)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

from portal.core.errors import Forbidden

from .redaction import can_redact, page_redact_revisions


def redact_revisions(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_redact(page=page, user=request.user):
        raise Forbidden
    if request.method == "POST":
        counts = page_redact_revisions(page=page, user=request.user, request=request)
        messages.success(
            request,
            _("The text of %(count)s older versions of \u201c%(title)s\u201d was removed.")
            % {"count": counts["revisions"], "title": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_pages:history", page.pk)
    return TemplateResponse(
        request,
        "cms/admin/redact_revisions.html",
        {"page": page, "revision_count": page.revisions.count()},
    )
