"""After a reliability run: compare what the clients were told was saved with what the database holds.
Reads the run's acknowledgements as JSON on stdin, prints the findings as JSON."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from forums.models import Post  # noqa: E402
from portal.notifications.models import Notification  # noqa: E402
from referrals.models import ChildCase, Referral, ReferralEvent, ReferralMessage  # noqa: E402


def main(acks: dict) -> dict:
    post_ids = set(acks["posts"])
    found_posts = set(Post.objects.filter(pk__in=post_ids).values_list("pk", flat=True))
    # One post per idempotency key: the run's bodies carry their key.
    dup_bodies = (
        Post.objects.filter(body__startswith="[load ")
        .values("body")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    cases = set(acks["cases"])
    referrals = set(acks["referrals"])
    messages = set(acks["messages"])
    transitions = acks["transitions"]  # [referral_id, action]
    events = set(
        ReferralEvent.objects.filter(referral_id__in={r for r, _ in transitions}).values_list(
            "referral_id", "action"
        )
    )
    liaisons = acks["liaisons"]
    sent = Referral.objects.filter(pk__in=referrals).count()
    return {
        "posts_acknowledged": len(post_ids),
        "posts_lost": len(post_ids - found_posts),
        "duplicate_posts": dup_bodies,
        "double_submits": acks["double_submits"],
        "double_submits_answered_with_two_ids": acks["double_submit_mismatch"],
        "cases_acknowledged": len(cases),
        "cases_lost": len(
            cases - set(ChildCase.objects.filter(code__in=cases).values_list("code", flat=True))
        ),
        "referrals_acknowledged": len(referrals),
        "referrals_lost": len(referrals) - sent,
        "messages_acknowledged": len(messages),
        "messages_lost": len(
            messages - set(ReferralMessage.objects.filter(pk__in=messages).values_list("pk", flat=True))
        ),
        "transitions_acknowledged": len(transitions),
        "transitions_lost": sum(1 for r, a in transitions if (r, a) not in events),
        # Every referral sent notifies every Dukcapil liaison: stored, so a client that was away catches up.
        "new_referral_notifications_missing": sum(
            max(
                0,
                len(referrals)
                - Notification.objects.filter(recipient__username=u, kind="referral.sent").count(),
            )
            for u in liaisons[:1]
        ),
    }


if __name__ == "__main__":
    print(json.dumps(main(json.load(sys.stdin))))
