from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path


class LanguageMiddleware:
    """Bahasa Indonesia unless the person chose otherwise. The language comes from the URL prefix (/en/ for the
    public site's English pages), else the language cookie (set by the language switch), else 'id'. Unlike
    Django's LocaleMiddleware it does not read Accept-Language: Pelita is Indonesian first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = dict(settings.LANGUAGES)

    def __call__(self, request):
        language = get_language_from_path(request.path_info)
        if not language:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = cookie if cookie in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PelitaErrorMiddleware:
    """Pages: a NotFound from a selector or service is a 404 page, a Forbidden a 403 page, like Django's own.
    A delete that other records protect (a person who wrote forum posts, an agency with referrals: PROTECT and
    RESTRICT foreign keys) is refused with a message that says why and what to do instead — deactivate —, and
    the person is sent back to where they were, never a 500 (issue 18.4; any delete view, the back office's
    included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from .errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            raise Http404(str(exception.message))
        if isinstance(exception, Forbidden):
            raise PermissionDenied(str(exception.message))
        from .errors import Conflict, InvalidInput

        if isinstance(exception, Conflict | InvalidInput) and not request.path_info.startswith("/api/"):
            return service_refused(request, exception)
        from django.db.models import ProtectedError, RestrictedError

        if isinstance(exception, ProtectedError | RestrictedError):
            return protected_delete_refused(request, exception)
        return None


def service_refused(request, exception):
    """A service's Conflict (409) or InvalidInput (422) that a page view did not turn into a message of its own
    (break-it round on issue 20: a correction of an anonymised case was a 500): the service's message, which is
    Pelita's own translated text that says what to do, and a way back. Never a 500."""
    from django.shortcuts import render
    from django.utils.http import url_has_allowed_host_and_scheme

    from .errors import Conflict

    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = ""
    if not back:
        back = request.path if request.method == "GET" else "/home/"
    status = 409 if isinstance(exception, Conflict) else 422
    response = render(
        request, "refused.html", {"message": str(exception.message), "back": back}, status=status
    )
    response["Cache-Control"] = "no-store, private"  # about one person's case or thread, as the page itself
    return response


def protected_delete_refused(request, exception):
    """The message and the way back for a delete that other records protect. Names kinds of records, never
    the records themselves (a referral's text would name a case)."""
    from django.contrib import messages
    from django.contrib.auth import get_user_model
    from django.http import HttpResponseRedirect, JsonResponse
    from django.utils.http import url_has_allowed_host_and_scheme
    from django.utils.text import get_text_list
    from django.utils.translation import gettext as _

    blocking = exception.protected_objects if hasattr(exception, "protected_objects") else ()
    if not blocking:
        blocking = getattr(exception, "restricted_objects", ())
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blocking})
    what = get_text_list(kinds, _("and")) if kinds else _("other records")
    # Django names the model being deleted in the exception: "Cannot delete some instances of model 'User'".
    deleting_people = f"model {get_user_model().__name__!r}" in str(
        exception.args[0] if exception.args else ""
    )
    if deleting_people:
        message = _(
            "This account cannot be deleted: %(what)s keep it as their author. Deactivate the account instead "
            "(edit it and untick “Active”): the person can no longer log in and what they wrote stays."
        ) % {"what": what}
    else:
        message = _(
            "This cannot be deleted: %(what)s refer to it. Deactivate it instead, or remove those first."
        ) % {"what": what}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=409)
    messages.error(request, message)
    back = request.META.get("HTTP_REFERER", "")
    if not back or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = request.path
    return HttpResponseRedirect(back)
