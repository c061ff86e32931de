"""No GET changes what people did (break-it round on issue 20: claims, releases, reminders, "handled", a need's
undo, bulk accept are actions; a link, a prefetch, a crawler or an <img src> must never take one).

Every concrete path of the resolver (tests/robustness/test_hostile_input.py's walk, so a URL that lands later is
in it) is asked for with GET and HEAD by the roles issue 20's actions belong to, with the query parameters those
actions take; the records of people's actions are compared before and after each path. Reading leaves traces
that are not actions and are left out on purpose: audit entries, read markers, a notification's read time,
sessions, the dashboard's summaries and caches."""

import pytest

from tests.robustness.test_hostile_input import _pages, page_client, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

ACTORS = ["dukcapil_loteng_1", "pendamping_jago", "fasilitator_praya", "koordinator_ntb", "kader_jago"]
# What an action's form sends, as a query string: a GET that acted on them would show here.
ACTION_QUERY = (
    "what=claim&to=dukcapil_loteng_2&referrals=1&referrals=2&note=x&decline_category=other&confirm=on"
)


def _fingerprint() -> dict:
    from forums.models import Post, Thread
    from portal.notifications.models import Notification
    from portal.people.models import Membership
    from referrals.models import (
        CaseTeamMember,
        ChildCase,
        Consent,
        IdentityCorrection,
        Referral,
        ReferralEvent,
        ReferralMessage,
    )

    return {
        "referrals": list(
            Referral.objects.order_by("pk").values_list(
                "pk", "status", "claimed_by_id", "need_met_at", "attention_handled_at", "decline_category"
            )
        ),
        "events": ReferralEvent.objects.count(),
        "messages": ReferralMessage.objects.count(),
        "needs": list(ChildCase.needs.through.objects.order_by("pk").values_list("pk", flat=True)),
        "consents": list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "corrections": IdentityCorrection.objects.count(),
        "teams": CaseTeamMember.objects.count(),
        "notifications": Notification.objects.count(),
        "memberships": Membership.objects.count(),
        "posts": Post.objects.count(),
        "threads": list(Thread.objects.order_by("pk").values_list("pk", "forum_id", "case_code")),
    }


def test_no_get_or_head_takes_an_action(world):  # noqa: F811
    paths = [p for p in _pages(world) if not p.startswith("/admin/")]
    assert any("/claim/" in p for p in paths) and any("/attention/" in p for p in paths)
    clients = {role: page_client(world, role) for role in ACTORS}
    changed = []
    before = _fingerprint()
    for path in paths:
        for client in clients.values():
            client.get(f"{path}?{ACTION_QUERY}")
            client.head(path)
        after = _fingerprint()
        if after != before:
            changed.append((path, sorted(k for k in after if after[k] != before[k])))
            before = after
    assert not changed, changed
