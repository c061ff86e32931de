"""Answers about children are never stored by a browser, a shared phone's cache or a proxy (issue 19.6).

Every page of the referrals app (referrals/urls.py wraps each URL pattern) and every operation of its API router
(referrals/api.py adds the decorator to the router) is sent with `Cache-Control: no-store, private`: the app
decides once, so a new view is covered without remembering to mark it."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.utils.cache import patch_vary_headers

from portal.core.errors import Forbidden, NotFound

IDENTITY_CACHE_CONTROL = "no-store, private"


def mark_private(response):
    response["Cache-Control"] = IDENTITY_CACHE_CONTROL
    response.headers.pop("Expires", None)
    response.headers.pop("ETag", None)
    response.headers.pop("Last-Modified", None)
    patch_vary_headers(response, ("Cookie", "Authorization"))
    return response


def no_store(view):
    """A view (or a ninja operation's run) whose every answer carries Cache-Control: no-store, private."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if hasattr(request, "session"):
            from .views_inbox import referral_draft_expire

            referral_draft_expire(request)  # a kept referral note outlives its detour by an hour at most
        try:
            response = view(request, *args, **kwargs)
        except (NotFound, Forbidden, Http404, PermissionDenied) as exc:
            # The 404 and 403 pages too (as PelitaErrorMiddleware and Django would answer them): whether a case
            # exists is itself not for a shared cache.
            if isinstance(exc, NotFound):
                exc = Http404(str(exc.message))
            elif isinstance(exc, Forbidden):
                exc = PermissionDenied(str(exc.message))
            response = response_for_exception(request, exc)
        return mark_private(response)

    wrapped.pelita_no_store = True
    return wrapped


def no_store_patterns(urlpatterns: list) -> list:
    """Every pattern of the list with its view wrapped in no_store (including patterns added later to it)."""
    for pattern in urlpatterns:
        if not getattr(pattern.callback, "pelita_no_store", False):
            pattern.callback = no_store(pattern.callback)
    return urlpatterns
