"""Public-site views outside the page tree: sitemap.xml (both languages, with hreflang alternates), robots.txt
and the Wagtail API v2 (stories and pages, JSON only)."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from .selectors import sitemap_entries


@require_GET
def sitemap(request):
    """Two queries whatever the size of the site, so no cache (a cached sitemap would lag behind publishing)."""
    return TemplateResponse(
        request,
        "cms/sitemap.xml",
        {"entries": sitemap_entries(request=request)},
        content_type="application/xml; charset=utf-8",
    )


# Places with people's work in them: never for search engines (they need a login anyway).
ROBOTS_DISALLOW = [
    "/admin/",
    "/accounts/",
    "/api/",
    "/cases/",
    "/forums/",
    "/dashboard/",
    "/notifications/",
    "/areas/",
    "/home/",
    "/language/",
]


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOW),
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('cms:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Live, public pages only (Wagtail's default), as JSON: `?type=cms.StoryPage&locale=en`."""

    renderer_classes = [JSONRenderer]

    def find_object(self, queryset, request):
        """`/api/v2/pages/find/?id=`: an id that is not a 64-bit number is 400 like Wagtail's other filters."""
        from wagtail.api.v2.utils import BadRequestError

        value = request.GET.get("id")
        if value is not None and not (value.isascii() and value.isdigit() and int(value) < 2**63):
            raise BadRequestError("id must be a positive integer")
        return super().find_object(queryset, request)


api_router = WagtailAPIRouter("cms:wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
# Pages only: the images and documents endpoints would list every upload, including images waiting in a
# draft for the caregiver's consent to be recorded.


@require_GET
def switch_language(request, language):
    """The public site's language switch: a plain link (no form, no JavaScript) from a page to its translation.
    Remembers the choice in the language cookie only and goes to `next` when it is a path on this site, else to
    the home page of that language. A GET never changes what is stored (issue 19.5: any page could embed this
    link and rewrite a logged-in person's profile language, so notifications and e-mail reached them in another
    language); the profile's language changes only by POST /language/ (portal.core.views.set_language)."""
    from django.conf import settings
    from django.http import Http404, HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def serve_default_language(request, path):
    """Wagtail pages without a language prefix are Indonesian pages, whatever language the visitor's cookie
    chose for the rest of Pelita. i18n_patterns alone would resolve /cerita/... under the cookie's language and
    answer 404 to someone who switched to English; this pattern (before the i18n patterns) serves them in the
    default language. Reversing still goes through the i18n patterns (`wagtail_serve`)."""
    from django.conf import settings
    from django.utils import translation
    from wagtail.views import serve

    with translation.override(settings.LANGUAGE_CODE):
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = serve(request, path)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    return response
