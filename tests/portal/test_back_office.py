"""The Wagtail admin as back office: coordinators manage dusun, agencies and roles within their subtree."""

import pytest
from django.test import Client

from portal.areas.models import Area
from portal.people.models import Membership
from tests.factories import area, make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(demo):
    client = Client()
    client.force_login(demo["users"]["koordinator_ntb"])
    return client


def test_coordinator_reaches_the_back_office(coordinator_client):
    assert coordinator_client.get("/admin/").status_code == 200
    listing = coordinator_client.get("/admin/pelita_roles/")
    assert listing.status_code == 200
    assert "kader_jago" in listing.content.decode() or "Baiq Nurul" in listing.content.decode()


def test_coordinator_adds_a_dusun_through_the_service(coordinator_client):
    response = coordinator_client.post(
        "/admin/pelita_areas/new/", {"parent": "52.02.01.2013", "name": "Jago Tengah"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hamlet = Area.objects.get(parent__code="52.02.01.2013", name="Jago Tengah")
    assert hamlet.code.startswith("52.02.01.2013.") and hamlet.level == "hamlet"


def test_coordinator_gives_a_role_and_removal_revokes(coordinator_client, demo):
    person = make_user("kader_baru")
    response = coordinator_client.post(
        "/admin/pelita_roles/new/", {"user": person.pk, "area": "52.02.01.2013", "role": "anggota"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=person)
    response = coordinator_client.post(f"/admin/pelita_roles/delete/{membership.pk}/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=person).exists()


def test_coordinator_cannot_give_roles_outside_their_subtree(demo):
    kab = make_member(area("52.02"), role="koordinator", username="koord_loteng")
    client = Client()
    client.force_login(kab)
    person = make_user("someone")
    response = client.post(
        "/admin/pelita_roles/new/", {"user": person.pk, "area": "51.01", "role": "anggota"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=person).exists()
    listing = client.get("/admin/pelita_roles/").content.decode()
    assert "koord_loteng" in listing
    # Bali's people are not listed for a Lombok Tengah coordinator.
    make_member(area("51.01"), username="bali_member")
    assert "bali_member" not in client.get("/admin/pelita_roles/").content.decode()


def test_losing_the_coordinator_role_closes_the_back_office(demo):
    from portal.people.services import membership_remove

    person = make_member(area("52.02"), role="koordinator", username="temp_coord")
    client = Client()
    client.force_login(person)
    assert client.get("/admin/").status_code == 200
    membership_remove(membership=Membership.objects.get(user=person))
    assert client.get("/admin/").status_code == 302  # to the admin login


def test_members_have_no_back_office(demo):
    client = Client()
    client.force_login(demo["users"]["kader_jago"])
    assert client.get("/admin/").status_code == 302
