"""Mounted at "" before Wagtail's page URLs: feeds, sitemap, robots.txt and the Wagtail API v2."""

from django.urls import include, path

from . import feeds, views

app_name = "cms"

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("feeds/<str:language>/rss.xml", feeds.StoryRssFeed(), name="feed_rss"),
    path("feeds/<str:language>/atom.xml", feeds.StoryAtomFeed(), name="feed_atom"),
    path("api/v2/", include((views.api_router.get_urlpatterns(), "wagtailapi"), namespace="wagtailapi")),
]
