"""The referral page's permission check (selectors._referral_perms) answers what guardian's get_perms answers,
for every way a person can hold (or not hold) a permission on a referral."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from referrals.selectors import _referral_perms

from .test_queries import make_cases

CASES = [
    ("the agency's liaison (group grants)", "liaison", None),
    ("a person granted directly", "direct", "view_referral"),
    ("a person granted directly the identity", "direct", "view_referral_identity"),
    ("a person of another group with a grant", "other_group", "message_referral"),
    ("a person with nothing", "nobody", None),
    ("a person whose group grant was removed", "revoked", None),
    ("a person granted on another referral only", "elsewhere", "view_referral"),
    ("an inactive person with a direct grant", "inactive", "view_referral_identity"),
]


@pytest.mark.parametrize(("label", "who", "perm"), CASES, ids=[c[0] for c in CASES])
def test_same_answer_as_guardian(jago, label, who, perm):
    referral, other = make_cases(jago, 1)[:2]
    users = get_user_model().objects
    if who == "liaison":
        person = jago["users"]["dukcapil_loteng_1"]
    else:
        person = users.create_user(username=f"p_{who}", password="x-Passw0rd-x")
    if who == "direct" or who == "inactive":
        assign_perm(perm, person, referral)
    if who == "inactive":
        person.is_active = False
        person.save()
    if who == "elsewhere":
        assign_perm(perm, person, other)
    if who in ("other_group", "revoked"):
        group = Group.objects.create(name=f"g_{who}")
        person.groups.add(group)
        assign_perm(perm or "view_referral", group, referral)
        if who == "revoked":
            remove_perm("view_referral", group, referral)
    person = users.get(pk=person.pk)  # no cached groups
    expected = set(get_perms(person, referral)) if person.is_active else set()
    assert _referral_perms(person, referral) == expected, label
    if who == "liaison":
        assert "view_referral_identity" in expected  # the table reaches a real grant
