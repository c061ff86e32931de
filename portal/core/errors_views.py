"""Error pages (handler403, handler404, handler500 in portal/urls.py). Friendly, in the person's language, and
saying nothing about what was asked for: a missing object and a hidden one get the very same page, and an
exception's message (which may name a child) never reaches the page."""

from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _wants_json(request) -> bool:
    return request.path_info.startswith("/api/")


@requires_csrf_token
def bad_request(request, exception=None):
    """A request Django could not read (too many fields, a broken multipart body): 400, like the 500 page."""
    if _wants_json(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    language = get_language() or "id"
    return HttpResponseBadRequest(loader.get_template("400.html").render({"LANGUAGE_CODE": language}))


@requires_csrf_token
def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("You are not allowed to do this.")}, status=403)
    return HttpResponseForbidden(loader.render_to_string("403.html", {}, request))


@requires_csrf_token
def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return HttpResponseNotFound(loader.render_to_string("404.html", {}, request))


def server_error(request=None):
    """No request context, no database, no context processors: only the language already chosen and static
    files. Works while PostgreSQL is down."""
    if request is not None and _wants_json(request):
        return JsonResponse(
            {"detail": _("Something went wrong on our side. Please try again in a few minutes.")}, status=500
        )
    language = get_language() or "id"
    return HttpResponseServerError(loader.get_template("500.html").render({"LANGUAGE_CODE": language}))
