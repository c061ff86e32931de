"""generate_load_data at small scale: the same code path as national, on the test area subset."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.test import Client

from bench.loadgen.generate import PREFIX, generate
from bench.loadgen.models import LoadRun
from tests.conftest import AREAS_DIR


@pytest.fixture
def small(areas):
    return generate(scale="small", areas_dir=AREAS_DIR, log=lambda line: None)


def test_small_scale_builds_every_part(small):
    from forums.models import Forum, Post, Thread
    from portal.areas.models import Area, Level
    from portal.people.models import Membership
    from referrals.models import ChildCase, Referral

    # A forum for every area of NTB, villages included.
    ntb_villages = Area.objects.filter(code__startswith="52.", level=Level.VILLAGE)
    assert Forum.objects.filter(area__in=ntb_villages).count() == ntb_villages.count() > 1000
    # Threads and posts as planned, with the counters on the thread matching the posts.
    assert Thread.objects.count() == 200
    assert Post.objects.count() == 4000
    assert Thread.objects.aggregate(n=Sum("posts_count"))["n"] == 4000
    bench = Thread.objects.get(pk=small.info["thread"])
    assert bench.posts.count() == bench.posts_count == bench.last_post_number == 120
    # People in every role, agency liaisons and communications staff.
    roles = set(Membership.objects.filter(user__username__startswith=PREFIX).values_list("role", flat=True))
    assert roles == {"anggota", "fasilitator", "pendamping", "koordinator"}
    assert Referral.objects.values("agency").distinct().count() > 1
    # Cases and referrals in a mix of statuses and services.
    assert ChildCase.objects.count() == 400
    assert Referral.objects.count() == 1200
    statuses = dict(Referral.objects.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == {
        "draft",
        "sent",
        "accepted",
        "declined",
        "in_progress",
        "completed",
        "closed",
        "withdrawn",
    }
    assert statuses["completed"] > statuses["draft"]
    assert Referral.objects.values("service").distinct().count() >= 6
    assert small.counts["posts"] == 4000


def test_second_run_is_cached_and_sequences_continue(small):
    from forums.models import Forum
    from portal.areas.models import Area

    again = generate(scale="small", areas_dir=AREAS_DIR, log=lambda line: None)
    assert again.pk == small.pk
    assert LoadRun.objects.count() == 1
    # Primary key sequences were moved past the explicit ids: an ordinary insert still works.
    area = Area.objects.filter(code__startswith="51.", level="village").first()
    Forum.objects.create(area=area)


def test_generated_people_use_the_real_pages(small):
    """The permissions written in bulk are the ones the services would grant: the pages agree."""
    password = small.info["password"]
    member = Client()
    assert member.login(username=small.info["member"], password=password)
    assert member.get(f"/forums/f/{small.info['forum']}/").status_code == 200
    assert member.get(f"/forums/t/{small.info['thread']}/").status_code == 200
    assert member.get(f"/cases/referrals/{small.info['referral']}/").status_code == 404

    liaison = Client()
    assert liaison.login(username=small.info["liaison"], password=password)
    assert liaison.get(f"/cases/referrals/{small.info['referral']}/").status_code == 200
    assert liaison.get(f"/forums/t/{small.info['thread']}/").status_code == 404


def test_refuses_production_settings(areas, settings):
    settings.PELITA_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("generate_load_data", "--scale", "small", "--areas-dir", str(AREAS_DIR))
    assert not LoadRun.objects.exists()
