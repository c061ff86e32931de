"""Mounted at MEDIA_URL by portal/urls.py, in development and production alike: renditions of images the
visitor may see, 404 for everything else (cms/media.py, issue 19.7)."""

from django.urls import path

from .media import serve_media

urlpatterns = [path("<path:path>", serve_media, name="cms_media")]
