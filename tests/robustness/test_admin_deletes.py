"""Deleting something other records protect is refused with a message, never a 500 (issue 18.4): a person who
wrote forum posts (offered deactivation instead), and every delete view of the back office, found from the URL
resolver, tried on an object that other records refer to."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from tests.robustness import hostile


@pytest.fixture
def admin_client(demo_full):
    client = Client(raise_request_exception=False)
    client.force_login(demo_full["users"]["admin"])
    return client


def test_deleting_a_person_who_wrote_posts_offers_deactivation(demo_full, admin_client):
    kader = demo_full["users"]["kader_jago"]
    response = admin_client.post(
        f"/admin/users/delete/{kader.pk}/", HTTP_REFERER=f"/admin/users/edit/{kader.pk}/"
    )
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Nonaktifkan" in text and "Aktif" in text
    assert get_user_model().objects.filter(pk=kader.pk).exists()


def _model_of(callback):
    view_class = getattr(callback, "view_class", None)
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model") or getattr(
        view_class, "model", None
    )
    return model if hasattr(model, "_default_manager") else None


def _referenced(model):
    """An object of the model that other rows refer to (the first, else any)."""
    related = [
        f
        for f in model._meta.related_objects
        if getattr(getattr(f, "on_delete", None), "__name__", "") in ("PROTECT", "RESTRICT")
    ]
    for rel in related:
        obj = model._default_manager.filter(**{f"{rel.name}__isnull": False}).order_by("pk").first()
        if obj is not None:
            return obj
    return model._default_manager.order_by("pk").first()


def test_every_back_office_delete_of_a_referenced_object_is_refused_or_done_never_a_500(admin_client):
    tried, failures = [], []
    for route, _ns, name, callback in hostile.url_patterns():
        if not route.startswith("admin/") or "delete" not in (name or "") or "<" not in route:
            continue
        model = _model_of(callback)
        if model is None:
            continue
        obj = _referenced(model)
        if obj is None:
            continue
        path = hostile.concrete_path(route, lambda n, c, obj=obj: obj.pk)
        if path is None:
            continue
        tried.append(path)
        response = admin_client.post(path)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {path} ({model.__name__})")
    assert len(tried) >= 5, tried
    assert not failures, failures
