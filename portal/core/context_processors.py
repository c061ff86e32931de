from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .selectors import home_sections


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
        value = cache.get(key)
        if value is None:
            value = [{"url": s["url"], "title": str(s["title"])} for s in home_sections(user=user)]
            cache.set(key, value, 300)
        return value

    return {"nav_sections": SimpleLazyObject(sections)}


def forget_navigation(user) -> None:
    from django.conf import settings

    cache.delete_many([nav_cache_key(user.pk, code) for code, _name in settings.LANGUAGES])
