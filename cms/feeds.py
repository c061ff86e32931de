"""RSS 2.0 and Atom feeds of the stories, one per language."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Locale

from .models import HomePage, StoryPage

FEED_SIZE = 20


class StoryRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, language):
        if language not in dict(settings.LANGUAGES):
            raise Http404
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            raise Http404
        self.request = request
        translation.activate(language)
        return locale

    def title(self, locale):
        return _("Pelita: good-practice stories")

    def link(self, locale):
        home = HomePage.objects.live().filter(locale=locale).first()
        return home.get_url(request=self.request) if home else "/"

    def description(self, locale):
        return _("What worked for the children of migrant workers in one village, to be copied in the next.")

    def items(self, locale):
        return (
            StoryPage.objects.live()
            .public()
            .filter(locale=locale)
            .select_related("area")
            .prefetch_related("themes")
            .defer_streamfields()
            .order_by("-date", "-first_published_at")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url(request=self.request)

    def item_guid(self, item):
        return item.get_full_url(request=self.request)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [theme.label for theme in item.themes.all()]


class StoryAtomFeed(StoryRssFeed):
    feed_type = Atom1Feed
    subtitle = StoryRssFeed.description
