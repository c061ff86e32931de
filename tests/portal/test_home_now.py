"""The signed-in home shows what needs the person now (issue 20): unread mentions, referrals waiting for their
agency, overdue referrals they oversee or work on, recent topics of their forums; a constant number of queries;
never a child's name. And the header: one menu, "Pemberitahuan" once."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.notifications.services import notify
from tests.factories import TEST_PASSWORD  # noqa: F401 (the demo's accounts use the demo password)

pytestmark = pytest.mark.django_db


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def home(client, username):
    client.force_login(user(username))
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def child_names():
    from referrals.models import ChildCase

    return [n for n in ChildCase.objects.values_list("child_name", flat=True) if n]


def section(html, marker):
    m = re.search(r'<section[^>]*id="' + marker + r'".*?</section>', html, re.S)
    return m.group(0) if m else ""


def test_the_header_is_one_menu_and_names_notifications_once(demo_full, client):
    html = home(client, "kader_jago")
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    assert '<details class="nav-menu">' in header and "<summary>" in header
    assert header.count("Pemberitahuan") == 1  # the bell's label; the menu has no second entry
    assert "Forum saya" in header and "Akun saya" in header and "Keluar" in header


def test_a_liaison_sees_the_referrals_waiting_for_the_agency(demo_full, client):
    from referrals.models import Referral, Status

    html = home(client, "dukcapil_loteng_1")
    waiting = section(html, "home-waiting")
    sent = Referral.objects.filter(status=Status.SENT, agency__group__user__username="dukcapil_loteng_1")
    assert sent.exists()
    for r in sent[:5]:
        assert r.case.code in waiting
    assert "/cases/inbox/" in waiting
    for name in child_names():
        assert name not in html


def test_an_overseer_sees_the_overdue_referrals_of_the_areas_they_oversee(demo_full, client):
    from referrals.models import Referral
    from referrals.selectors import overdue_q

    overdue = Referral.objects.filter(overdue_q(), case__village__code__startswith="52.02.01.")
    assert overdue.exists()
    html = home(client, "fasilitator_praya")
    panel = section(html, "home-overdue")
    for r in overdue:
        assert r.case.code in panel
    for name in child_names():
        assert name not in html
    # Someone overseeing another kecamatan does not see them.
    other = home(client, "kader_sukaraja")
    assert not section(other, "home-overdue")


def test_unread_mentions_and_recent_topics(demo_full, client):
    from forums.models import Thread

    kader = user("kader_jago")
    thread = Thread.objects.filter(forum__area__code="52.02.01.2013").order_by("-last_post_at").first()
    notify(
        recipients=[kader],
        kind="forum.mention",
        params={"thread": thread.title},
        url=f"/forums/t/{thread.pk}/",
        actor=user("fasilitator_jago"),
    )
    html = home(client, "kader_jago")
    mentions = section(html, "home-mentions")
    assert thread.title in mentions or thread.title.replace("'", "&#x27;") in mentions
    recent = section(html, "home-topics")
    assert "Topik terbaru" in recent and f"/forums/t/{thread.pk}/" in recent
    # The shortcuts to every section stay, below.
    assert "Forum saya" in section(html, "home-sections")


def queries(client, username):
    client.force_login(user(username))
    client.get("/home/")  # warm the caches that every page shares (navigation, bell)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/home/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "username", ["kader_jago", "dukcapil_loteng_1", "fasilitator_praya", "pendamping_jago"]
)
def test_the_home_costs_the_same_queries_whatever_there_is(demo_full, client, username):
    from forums.models import Forum, Post, Thread
    from referrals.models import Referral, Status

    before = queries(client, username)
    # More of everything the panels show.
    person = user(username)
    author = user("fasilitator_jago")
    for forum in Forum.objects.all()[:3]:
        for i in range(4):
            t = Thread.objects.create(
                forum=forum, title=f"Topik tambahan {i}", author=author, last_post_at=timezone.now()
            )
            Post.objects.create(thread=t, author=author, body="Isi", number=1)
    notify(recipients=[person] * 1, kind="forum.mention", params={"thread": "X"}, url="/home/", actor=author)
    notify(recipients=[person], kind="forum.mention", params={"thread": "Y"}, url="/home/", actor=author)
    past = timezone.now() - dt.timedelta(days=30)
    Referral.objects.filter(status=Status.SENT).update(due_at=past)
    after = queries(client, username)
    assert after == before, (username, before, after)


def test_visible_first_is_visible_to_for_every_demo_person(demo_full):
    """The home panel's short way (candidates first, then their targets) gives what the list's rule gives:
    the same notifications in the same order, for every person of the demo, with notifications about threads
    and cases they can and cannot see, and a target id that is not an id at all."""
    from django.contrib.auth import get_user_model

    from forums.models import Thread
    from portal.notifications.models import Notification
    from portal.notifications.selectors import visible_first, visible_to
    from referrals.models import ChildCase

    people = list(get_user_model().objects.filter(is_active=True))
    threads = list(Thread.objects.order_by("pk")[:6])
    cases = list(ChildCase.objects.order_by("pk")[:3])
    for thread in threads:
        notify(
            recipients=people,
            kind="forum.mention",
            params={"actor": "x", "thread": "T"},
            url=f"/forums/t/{thread.pk}/",
        )
    for case in cases:
        notify(
            recipients=people,
            kind="forum.mention",
            params={"actor": "x", "thread": "C"},
            url=f"/cases/{case.code}/",
        )
    Notification.objects.filter(pk=Notification.objects.order_by("-pk").values("pk")[:1]).update(
        target_type="forums.thread", target_id="not-a-number"
    )
    checked = 0
    for person in people:
        mine = Notification.objects.filter(kind="forum.mention").order_by("-pk")
        for limit in (1, 3, 6, 20):
            expected = list(visible_to(user=person).filter(kind="forum.mention").order_by("-pk")[:limit])
            got = visible_first(user=person, queryset=mine, limit=limit)
            assert [n.pk for n in got] == [n.pk for n in expected], (person.username, limit)
            checked += 1
    assert checked == 4 * len(people)
    # The table holds both kinds of answer: someone sees some of them and not others.
    kader = user("kader_jago")
    shown = visible_first(user=kader, queryset=Notification.objects.filter(kind="forum.mention"), limit=100)
    assert 0 < len(shown) < len(threads) + len(cases) + 1


def test_the_overdue_count_stops_at_its_cap(demo_full, client, monkeypatch):
    from referrals import home as referral_home
    from referrals.models import Referral, Status

    Referral.objects.filter(status=Status.SENT).update(due_at=timezone.now() - dt.timedelta(days=30))
    overdue = Referral.objects.filter(status=Status.SENT, case__village__code__startswith="52.02.01.").count()
    assert overdue >= 2
    monkeypatch.setattr(referral_home, "COUNT_CAP", overdue - 1)
    assert f"({overdue - 1}+)" in section(home(client, "fasilitator_praya"), "home-overdue")
    monkeypatch.setattr(referral_home, "COUNT_CAP", 999)
    assert f"({overdue})" in section(home(client, "fasilitator_praya"), "home-overdue")


def _more_overdue(n, *, village_prefix="52.02.01."):
    """n more overdue referrals in the kecamatan (copies of one overdue row, each a new referral)."""
    from referrals.models import Referral
    from referrals.selectors import overdue_q

    base = Referral.objects.filter(overdue_q(), case__village__code__startswith=village_prefix).first()
    for _i in range(n):
        copy = Referral.objects.get(pk=base.pk)
        copy.pk = None
        copy.save()


def _more_waiting(n, username):
    from referrals.models import Referral, Status

    base = Referral.objects.filter(status=Status.SENT, agency__group__user__username=username).first()
    for _i in range(n):
        copy = Referral.objects.get(pk=base.pk)
        copy.pk = None
        copy.save()


@pytest.mark.parametrize(
    ("username", "panel", "grow", "see_all"),
    [
        (
            "dukcapil_loteng_1",
            "home-waiting",
            lambda: _more_waiting(6, "dukcapil_loteng_1"),
            "/cases/inbox/?tab=new",
        ),
        ("fasilitator_praya", "home-overdue", lambda: _more_overdue(6), "/dashboard/overdue/"),
    ],
    ids=["waiting", "overdue"],
)
def test_home_panels_show_at_most_five_and_see_all_when_there_are_more(
    demo_full, client, username, panel, grow, see_all
):
    """At most SHOWN items on a panel; past that, "n dari N ditampilkan" and "Lihat semua" to the full list (the
    agency inbox's "Baru" tab, the dashboard's overdue list), which opens for that person."""
    from referrals.home import SHOWN

    html = section(home(client, username), panel)
    few = html.count("<li>")
    if few <= SHOWN:
        assert "Lihat semua" not in html
    grow()
    html = section(home(client, username), panel)
    assert html.count("<li>") == SHOWN
    assert "Lihat semua" in html and f'href="{see_all}"' in html
    assert re.search(r"5 dari \d+ ditampilkan", html)
    assert client.get(see_all).status_code == 200


def test_a_case_workers_overdue_panel_counts_what_it_does_not_show(demo_full, client):
    """A case worker who oversees nothing: the panel says how many it does not show, and has no link to a
    dashboard they may not open."""
    from portal.people.models import OVERSEER_ROLES, Membership
    from referrals.models import Referral
    from referrals.selectors import overdue_q

    worker = user("pendamping_jago")
    assert not Membership.objects.filter(user=worker, role__in=OVERSEER_ROLES).exists()
    base = Referral.objects.filter(overdue_q(), case__team__user=worker).first()
    assert base is not None  # the demo has one
    for _i in range(6):
        copy = Referral.objects.get(pk=base.pk)
        copy.pk = None
        copy.save()
    html = section(home(client, "pendamping_jago"), "home-overdue")
    assert html.count("<li>") == 5
    assert re.search(r"5 dari \d+ ditampilkan", html)
    assert "/dashboard/overdue/" not in html and "Lihat semua" not in html
