"""Small explicit factories for tests."""

import itertools

from django.contrib.auth import get_user_model

TEST_PASSWORD = "pelita-test-Passw0rd"
_seq = itertools.count(1)


def make_user(username=None, *, password=TEST_PASSWORD, language="id", **extra):
    username = username or f"user{next(_seq)}"
    user = get_user_model()(username=username, language=language, **extra)
    user.set_password(password)
    user.save()
    return user


def make_member(area, role="anggota", username=None, **extra):
    from portal.people.services import membership_add

    user = make_user(username, **extra)
    membership_add(user=user, area=area, role=role)
    return user


def area(code):
    from portal.areas.models import Area

    return Area.objects.get(code=code)
