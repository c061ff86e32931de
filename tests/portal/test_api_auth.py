import pytest
from django.test import Client

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_token_then_me(demo):
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "dukcapil_loteng_1", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"] and body["expires_at"].endswith(("+00:00", "Z")) or "+" in body["expires_at"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    data = me.json()
    assert data["username"] == "dukcapil_loteng_1"
    assert data["memberships"] == []
    assert data["agencies"] == [
        {
            "id": demo["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"].pk,
            "name": "Dinas Dukcapil Kab. Lombok Tengah",
        }
    ]


def test_me_lists_memberships(demo, token_for):
    data = Client().get("/api/v1/me", HTTP_AUTHORIZATION=token_for(demo["users"]["pendamping_jago"])).json()
    assert {"area": "52.02.01.2013", "role": "pendamping"} in data["memberships"]


def test_bad_credentials_401_and_throttle_429(demo, settings):
    settings.PELITA_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        response = client.post(
            "/api/v1/auth/token", {"username": "editor", "password": "nope"}, content_type="application/json"
        )
        assert response.status_code == 401
        assert response.json()["detail"]
    response = client.post(
        "/api/v1/auth/token",
        {"username": "editor", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429


def test_no_or_bad_token_is_401():
    client = Client()
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_session_auth_works_for_the_api(demo):
    client = Client()
    client.force_login(demo["users"]["kader_jago"])
    assert client.get("/api/v1/me").json()["username"] == "kader_jago"


def test_validation_error_format(demo):
    response = Client().post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and "password" in body["errors"]


def test_services_and_agencies(demo, token_for):
    auth = token_for(demo["users"]["pendamping_jago"])
    client = Client()
    services = client.get("/api/v1/services", {"page_size": 100}, HTTP_AUTHORIZATION=auth).json()
    assert services["count"] == len(services["results"])
    slugs = [s["slug"] for s in services["results"]]
    assert {"akta-kelahiran", "kia", "kip", "bpjs-pbi", "pkh"} <= set(slugs)
    found = client.get(
        "/api/v1/agencies", {"area": "52.02.01.2013", "service": "akta-kelahiran"}, HTTP_AUTHORIZATION=auth
    ).json()
    assert found["count"] == 1
    assert [a["name"] for a in found["results"]] == ["Dinas Dukcapil Kab. Lombok Tengah"]
    assert found["results"][0]["area"] == "52.02"
    empty = client.get("/api/v1/agencies", {"area": "51.01"}, HTTP_AUTHORIZATION=auth).json()
    assert empty == {"count": 0, "results": []}
    assert client.get("/api/v1/agencies", {"service": "nope"}, HTTP_AUTHORIZATION=auth).status_code == 422


def test_openapi_document():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/token" in paths and "/api/v1/areas/{code}" in paths
