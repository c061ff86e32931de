import logging

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .selectors import home_sections

logger = logging.getLogger("pelita.cache")


def nav_cache_key(user_id: int, language: str) -> str:
    return f"nav:{user_id}:{language}"


def navigation(request):
    """The sections a person can use, for the header. Cached per person (five minutes, and cleared when their
    roles change), so that a page pays no query for its navigation."""

    def sections():
        user = request.user
        if not user.is_authenticated:
            return []
        key = nav_cache_key(user.pk, get_language())
        try:
            value = cache.get(key)
        except Exception:  # the cache (Redis) is down: compute it, the page must still render
            logger.warning("navigation: cache unavailable", exc_info=True)
            value, key = None, None
        if value is None:
            value = [{"url": s["url"], "title": str(s["title"])} for s in home_sections(user=user)]
            if key is not None:
                try:
                    cache.set(key, value, 300)
                except Exception:
                    logger.warning("navigation: cache unavailable", exc_info=True)
        return value

    return {"nav_sections": SimpleLazyObject(sections)}


def forget_navigation(user) -> None:
    from django.conf import settings

    try:
        cache.delete_many([nav_cache_key(user.pk, code) for code, _name in settings.LANGUAGES])
    except Exception:  # never fail a role change for a cache outage; entries expire in five minutes
        logger.warning("navigation: could not forget the cached sections of user %s", user.pk, exc_info=True)
