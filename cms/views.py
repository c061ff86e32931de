"""Public-site views outside the page tree: sitemap.xml (both languages, with hreflang alternates), robots.txt
and the Wagtail API v2 (stories and pages, JSON only)."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .selectors import sitemap_entries

SITEMAP_CACHE_SECONDS = 60 * 15


@require_GET
@cache_page(SITEMAP_CACHE_SECONDS)
def sitemap(request):
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


class PublicImagesAPIViewSet(ImagesAPIViewSet):
    renderer_classes = [JSONRenderer]


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    renderer_classes = [JSONRenderer]


api_router = WagtailAPIRouter("cms:wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
