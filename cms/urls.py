"""Mounted at "" before Wagtail's page URLs: feeds, sitemap, robots.txt and the Wagtail API v2."""

from django.conf import settings
from django.urls import include, path, re_path

from . import feeds, views

app_name = "cms"

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("language/<str:language>/", views.switch_language, name="switch_language"),
    path("feeds/<str:language>/rss.xml", feeds.StoryRssFeed(), name="feed_rss"),
    path("feeds/<str:language>/atom.xml", feeds.StoryAtomFeed(), name="feed_atom"),
    path("api/v2/", include((views.api_router.get_urlpatterns(), "wagtailapi"), namespace="wagtailapi")),
]

# Unprefixed page paths are the default language's pages (see views.serve_default_language); paths under
# another language's prefix (/en/...) are left to the i18n patterns of portal/urls.py.
_OTHER_PREFIXES = "|".join(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
urlpatterns += [
    re_path(
        rf"^(?!(?:{_OTHER_PREFIXES})/)(?P<path>(?:[\w\-]+/)*)$",
        views.serve_default_language,
        name="serve_default_language",
    )
]
