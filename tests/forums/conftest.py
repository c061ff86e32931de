import pytest
from django.test import Client

from tests.factories import TEST_PASSWORD, make_member, make_user


@pytest.fixture
def world(demo):
    """The platform demo plus forum people: a dusun member, a desa member, a kecamatan member, an outsider."""
    from forums.services import forum_ensure

    users = demo["users"]
    dusun = demo["hamlets"]["52.02.01.2013"][0]
    other_dusun = demo["hamlets"]["52.02.01.2013"][1]
    areas = demo["areas"]
    forums = {
        "dusun": forum_ensure(area=dusun),
        "desa": forum_ensure(area=areas["52.02.01.2013"]),
        "kec": forum_ensure(area=areas["52.02.01"]),
        "other": forum_ensure(area=areas["52.02.06.2001"]),
        "other_dusun": forum_ensure(area=other_dusun),
    }
    return {**demo, "users": users, "forums": forums, "dusun": dusun}


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


__all__ = ["login", "make_member", "make_user"]
