"""Wagtail's search backend (WAGTAILSEARCH_BACKENDS), with every query a person types passed as plain terms
(portal.core.text.search_terms): the admin's search boxes, the stories' search (/cerita/?q=) and the Wagtail
API's `?search=` can no longer hand a quote or an operator to SQLite's FTS5 or PostgreSQL's tsquery parser.
The backend itself is modelsearch's database backend for the database in use; a queryset filtered on something
the index cannot filter on (an annotation) is searched by its rows' ids rather than failing."""

from django.db.models import QuerySet
from modelsearch.backends.base import FilterFieldError
from modelsearch.backends.database import SearchBackend as _database_backend

from .text import search_terms

MAX_FALLBACK_IDS = 10_000


def _plain(method):
    def search(query, model_or_queryset, *args, **kwargs):
        if isinstance(query, str):
            query = search_terms(query)
        try:
            return method(query, model_or_queryset, *args, **kwargs)
        except (AttributeError, FilterFieldError):
            # A queryset filtered on something the index cannot filter on (the admin's "used N times" filter
            # is an annotation): search the same rows by their ids instead of failing the page.
            if not isinstance(model_or_queryset, QuerySet):
                raise
            ids = list(model_or_queryset.values_list("pk", flat=True)[:MAX_FALLBACK_IDS])
            narrowed = model_or_queryset.model._default_manager.filter(pk__in=ids)
            return method(query, narrowed, *args, **kwargs)

    return search


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend module
    backend = _database_backend(params)
    backend.search = _plain(backend.search)
    backend.autocomplete = _plain(backend.autocomplete)
    return backend
