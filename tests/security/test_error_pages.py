"""Friendly 403, 404 and 500 pages in both languages that leak nothing."""

import pytest
from django.test import Client

from tests.security.boom_urls import CHILD_NAME, NIK

pytestmark = pytest.mark.urls("tests.security.boom_urls")


def _client(language=None):
    client = Client(raise_request_exception=False)
    if language:
        client.cookies["pelita_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "Terjadi kesalahan"), ("en", "Something went wrong")],
)
def test_500_is_friendly_in_the_persons_language_and_hides_the_exception(db, language, heading):
    for url in ("/boom/", "/boom-db/"):
        response = _client(language).get(url)
        assert response.status_code == 500
        body = response.content.decode()
        assert heading in body
        assert CHILD_NAME not in body and NIK not in body
        assert "Traceback" not in body and "RuntimeError" not in body and "OperationalError" not in body
        assert f'lang="{language}"' in body


def test_500_in_the_api_is_json_and_hides_the_exception(db):
    response = _client().get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}
    assert CHILD_NAME not in response.content.decode()


def test_500_page_needs_no_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = _client().get("/boom/")
    assert response.status_code == 500


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "Halaman tidak ditemukan"), ("en", "Page not found")],
)
def test_404_is_friendly_and_bilingual(db, language, heading):
    response = _client(language).get("/forums/no-such-thing/at/all/")
    assert response.status_code == 404
    body = response.content.decode()
    assert heading in body
    main = body.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "no-such-thing" not in main  # the asked-for path is not echoed in the page


def test_404_in_the_api_is_json(db):
    response = _client().get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "Anda tidak dapat membuka halaman ini"), ("en", "You cannot open this page")],
)
def test_403_is_friendly_and_bilingual(db, rf, language, heading):
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from portal.core.errors_views import permission_denied

    request = rf.get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override(language):
        response = permission_denied(request, PermissionDenied(f"case of {CHILD_NAME}"))
    body = response.content.decode()
    assert response.status_code == 403
    assert heading in body and CHILD_NAME not in body
