import pytest
from django.test import Client
from guardian.shortcuts import get_perms

from portal.areas.permissions import user_can_manage_area
from portal.people.models import Membership
from portal.people.services import membership_add, membership_remove
from tests.factories import TEST_PASSWORD, area, make_user

pytestmark = pytest.mark.django_db


def test_coordinator_membership_grants_and_removal_revokes():
    ntb = area("52")
    person = make_user()
    membership = membership_add(user=person, area=ntb, role="koordinator")
    assert "manage_area" in get_perms(person, ntb)
    assert user_can_manage_area(user=person, area=area("52.02.01.2013"))
    assert not user_can_manage_area(user=person, area=area("51.01"))
    membership_remove(membership=membership)
    # A fresh object: guardian caches per user instance.
    person = type(person).objects.get(pk=person.pk)
    assert get_perms(person, ntb) == []
    assert not user_can_manage_area(user=person, area=area("52.02.01.2013"))


def test_one_person_several_roles_and_other_roles_grant_no_area_management():
    person = make_user()
    membership_add(user=person, area=area("52.02.01.2013"), role="anggota")
    membership_add(user=person, area=area("52.02.01.2013"), role="pendamping")
    membership_add(user=person, area=area("52.02.01.2013"), role="pendamping")  # idempotent
    assert Membership.objects.filter(user=person).count() == 2
    assert not user_can_manage_area(user=person, area=area("52.02.01.2013"))


def test_demo_accounts_and_memberships(demo):
    users = demo["users"]
    assert set(users) >= {
        "kader_jago",
        "fasilitator_jago",
        "pendamping_jago",
        "fasilitator_praya",
        "dukcapil_loteng_1",
        "dukcapil_loteng_2",
        "dinsos_loteng",
        "kader_sukaraja",
        "pendamping_sukaraja",
        "editor",
        "moderator",
        "koordinator_ntb",
        "admin",
    }
    kader = users["kader_jago"]
    codes = {(m.area.code, m.role) for m in kader.memberships.select_related("area")}
    assert ("52.02.01.2013", "anggota") in codes
    assert any(code.startswith("52.02.01.2013.") for code, _ in codes)
    assert len(demo["hamlets"]["52.02.01.2013"]) >= 2 and len(demo["hamlets"]["52.02.06.2001"]) >= 2
    dukcapil = demo["agencies"]["Dinas Dukcapil Kab. Lombok Tengah"]
    assert set(dukcapil.services.values_list("slug", flat=True)) == {"akta-kelahiran", "kia"}
    assert set(dukcapil.group.user_set.values_list("username", flat=True)) == {
        "dukcapil_loteng_1",
        "dukcapil_loteng_2",
    }
    from portal.core.demo import seed_platform

    again = seed_platform(password=TEST_PASSWORD)  # idempotent
    assert again["created_users"] == []
    assert Membership.objects.filter(user=kader).count() == len(codes)


def test_seed_demo_refuses_production(settings):
    from portal.core.demo import DemoRefused, seed_all

    settings.PELITA_ENVIRONMENT = "production"
    with pytest.raises(DemoRefused):
        seed_all()


def test_login_redirects_home_and_honours_same_site_next(demo):
    client = Client()
    response = client.post("/accounts/login/", {"username": "kader_jago", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/home/"
    client = Client()
    response = client.post(
        "/accounts/login/?next=/areas/52/",
        {"username": "kader_jago", "password": TEST_PASSWORD, "next": "/areas/52/"},
    )
    assert response["Location"] == "/areas/52/"
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "kader_jago", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/home/"


def test_login_failure_keeps_username_and_says_why(demo):
    response = Client().post("/accounts/login/", {"username": "kader_jago", "password": "wrong"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="kader_jago"' in text
    assert "Nama pengguna atau kata sandi salah" in text


def test_login_is_throttled(demo, settings):
    settings.PELITA_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "editor", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "editor", "password": TEST_PASSWORD})
    assert response.status_code == 200  # refused even with the right password
    assert "_auth_user_id" not in client.session


def test_language_switch_sets_cookie_and_profile(demo):
    client = Client()
    client.force_login(demo["users"]["kader_jago"])
    response = client.post("/language/", {"language": "en", "next": "/home/"})
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert client.cookies["pelita_language"].value == "en"
    demo["users"]["kader_jago"].refresh_from_db()
    assert demo["users"]["kader_jago"].language == "en"
    assert (
        "My forums" in client.get("/home/").content.decode()
        or "Areas" in client.get("/home/").content.decode()
    )
    assert 'lang="en"' in client.get("/home/").content.decode()


def test_indonesian_is_the_default_whatever_the_browser_says(demo):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = client.get("/accounts/login/").content.decode()
    assert 'lang="id"' in text


def test_wagtail_admin_login_is_throttled_too(demo, settings):
    settings.PELITA_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "editor", "password": TEST_PASSWORD})
    assert response.status_code == 200  # the form again, not the redirect into the admin
    assert "_auth_user_id" not in client.session


def test_pages_and_login_survive_a_cache_outage(demo, settings):
    # Django's setting_changed signal rebuilds the cache handler on both sides of this override.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client = Client()
    response = client.post("/accounts/login/", {"username": "kader_jago", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/areas/52/").status_code == 200
