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
    """Pages: a NotFound from a selector or service is a 404 page, a Forbidden a 403 page, like Django's own."""

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
        return None
