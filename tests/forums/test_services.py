import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import selectors, services
from forums.models import FlagStatus, Mention, Post, PostRevision, Thread, ThreadUser, WatchLevel
from forums.permissions import MODERATE, POST, VIEW, forum_perms
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from portal.notifications.models import Notification
from portal.people.models import Membership, Role
from portal.people.services import membership_add, membership_remove
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _thread(world, who="kader_jago", forum="dusun", **kw):
    defaults = {"title": "Anak belum punya akta", "body": "Ibunya bekerja di Malaysia."}
    defaults.update(kw)
    return services.thread_create(forum=world["forums"][forum], author=world["users"][who], **defaults)


def test_members_and_overseers_get_forum_permissions(world):
    u = world["users"]
    f = world["forums"]
    assert forum_perms(user=u["kader_jago"], forum=f["dusun"]) == {VIEW, POST}
    assert forum_perms(user=u["kader_jago"], forum=f["desa"]) == {VIEW, POST}
    assert forum_perms(user=u["kader_jago"], forum=f["kec"]) == frozenset()
    assert forum_perms(user=u["fasilitator_jago"], forum=f["dusun"]) == {VIEW, POST, MODERATE}
    assert forum_perms(user=u["fasilitator_jago"], forum=f["kec"]) == frozenset()
    assert forum_perms(user=u["fasilitator_praya"], forum=f["dusun"]) == {VIEW, POST, MODERATE}
    assert forum_perms(user=u["koordinator_ntb"], forum=f["other"]) == {VIEW, POST, MODERATE}
    assert forum_perms(user=u["dukcapil_loteng_1"], forum=f["desa"]) == frozenset()
    assert forum_perms(user=u["kader_sukaraja"], forum=f["desa"]) == frozenset()


def test_removed_member_loses_access_at_once(world):
    kader = world["users"]["kader_jago"]
    membership = Membership.objects.get(user=kader, area=world["forums"]["desa"].area)
    membership_remove(membership=membership)
    forum = Thread._meta.get_field("forum").related_model.objects.get(pk=world["forums"]["desa"].pk)
    assert forum_perms(user=kader, forum=forum) == frozenset()
    with pytest.raises(NotFound):
        selectors.forum_get(user=kader, code=forum.area.code)


def test_forum_created_later_is_granted_to_its_people(world):
    from forums.services import forum_ensure

    lendang = world["hamlets"]["52.02.01.2013"][2]
    member = make_member(lendang, Role.MEMBER)
    forum = forum_ensure(area=lendang)
    assert forum_perms(user=member, forum=forum) == {VIEW, POST}
    assert MODERATE in forum_perms(user=world["users"]["fasilitator_jago"], forum=forum)
    assert forum_perms(user=world["users"]["kader_jago"], forum=forum) == frozenset()


def test_create_reply_and_counters(world):
    thread = _thread(world)
    assert thread.posts_count == 1 and thread.last_post_number == 1
    post = services.post_create(thread=thread, author=world["users"]["fasilitator_jago"], body="Saya bantu.")
    thread.refresh_from_db()
    assert post.number == 2 and thread.posts_count == 2 and thread.last_post_number == 2
    # The author watches and is told of the reply; the replier is not told of their own post.
    n = Notification.objects.get(kind="forum.reply")
    assert n.recipient == world["users"]["kader_jago"]
    assert "Anak belum punya akta" in n.text


def test_bad_input_is_refused_with_field_messages(world):
    with pytest.raises(InvalidInput) as exc:
        _thread(world, title="", body="")
    assert set(exc.value.errors) == {"title", "body"}
    with pytest.raises(InvalidInput) as exc:
        _thread(world, title="x" * 161)
    assert "160" in exc.value.errors["title"][0]
    with pytest.raises(InvalidInput):
        _thread(world, body="y" * 20_001)
    with pytest.raises(InvalidInput) as exc:
        _thread(world, kind="case", case_code="Budi")
    assert "APM-5202-00042" in exc.value.errors["case"][0]


def _case(world):
    import datetime as dt

    from referrals.services import case_register

    return case_register(
        actor=world["users"]["pendamping_jago"],
        area=world["areas"]["52.02.01.2013"],
        child_name="Lalu Budi",
        sex="M",
        birth_date=dt.date(2019, 5, 1),
        caregiver_name="Inaq Rumenah",
        caregiver_relation="nenek",
        parent_abroad="mother",
        destination_country="Malaysia",
    )


def test_case_thread_keeps_only_the_code(world):
    case = _case(world)
    thread = _thread(world, who="pendamping_jago", forum="desa", kind="case", case_code=case.code.lower())
    assert thread.case_code == case.code
    assert "Budi" not in thread.title + thread.posts.get().body_html
    # A well-formed code of a case the author cannot see is refused like an unknown one.
    with pytest.raises(InvalidInput) as exc:
        _thread(world, kind="case", case_code=case.code)
    assert case.code in exc.value.errors["case"][0]


def test_announcement_only_for_facilitators(world):
    with pytest.raises(Forbidden):
        _thread(world, kind="announcement")
    assert _thread(world, who="fasilitator_jago", kind="announcement").kind == "announcement"


def test_double_submit_makes_one_thread_and_one_post(world):
    a = _thread(world, client_token="tok-1")
    b = _thread(world, client_token="tok-1")
    assert a.pk == b.pk and Thread.objects.count() == 1
    kader = world["users"]["kader_jago"]
    p1 = services.post_create(thread=a, author=kader, body="Sekali saja", client_token="tok-2")
    p2 = services.post_create(thread=a, author=kader, body="Sekali saja", client_token="tok-2")
    assert p1.pk == p2.pk and Post.objects.filter(thread=a).count() == 2


def test_mentions_link_and_notify_only_readers(world):
    thread = _thread(world, who="fasilitator_jago", forum="desa")
    post = services.post_create(
        thread=thread,
        author=world["users"]["fasilitator_jago"],
        body="Mohon dicek @kader_jago dan @kader_sukaraja, juga @nobody",
    )
    assert 'href="/forums/people/kader_jago/"' in post.body_html
    assert set(Mention.objects.filter(post=post).values_list("user__username", flat=True)) == {"kader_jago"}
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert ("kader_jago", "forum.mention") in kinds
    assert not Notification.objects.filter(recipient__username="kader_sukaraja").exists()


def test_edit_keeps_history(world):
    thread = _thread(world)
    post = thread.posts.get()
    services.post_edit(post=post, editor=world["users"]["kader_jago"], body="Teks baru")
    post.refresh_from_db()
    assert post.edited_at and post.body == "Teks baru"
    assert PostRevision.objects.get(post=post).body == "Ibunya bekerja di Malaysia."
    with pytest.raises(Forbidden):
        services.post_edit(post=post, editor=world["users"]["fasilitator_jago"], body="bukan saya")


def test_delete_is_soft_and_hide_tells_the_author(world):
    thread = _thread(world)
    reply = services.post_create(thread=thread, author=world["users"]["kader_jago"], body="Balasan")
    with pytest.raises(Forbidden):
        services.post_delete(post=reply, actor=make_member(world["dusun"], Role.MEMBER))
    services.post_delete(post=reply, actor=world["users"]["kader_jago"])
    assert Post.objects.get(pk=reply.pk).deleted_at is not None
    first = thread.posts.get(number=1)
    flag = services.post_flag(post=first, user=world["users"]["fasilitator_praya"], reason="Data pribadi")
    assert flag.status == FlagStatus.OPEN
    assert list(selectors.moderation_queue(user=world["users"]["fasilitator_jago"])) == [flag]
    with pytest.raises(Forbidden):
        services.post_hide(post=first, actor=world["users"]["kader_jago"], reason="spam")
    services.post_hide(post=first, actor=world["users"]["fasilitator_jago"], reason="Menyebut nama anak")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HIDDEN
    n = Notification.objects.get(kind="forum.post_hidden")
    assert n.recipient.username == "kader_jago" and "Menyebut nama anak" in n.text


def test_lock_blocks_replies_but_not_facilitators(world):
    thread = _thread(world)
    services.thread_set_state(
        thread=thread, actor=world["users"]["fasilitator_jago"], locked=True, pinned=True
    )
    with pytest.raises(Conflict):
        services.post_create(thread=thread, author=world["users"]["kader_jago"], body="Boleh?")
    services.post_create(thread=thread, author=world["users"]["fasilitator_jago"], body="Ditutup.")
    with pytest.raises(Forbidden):
        services.thread_set_state(thread=thread, actor=world["users"]["kader_jago"], locked=False)


def test_escalate_up_the_chain_to_the_province(world):
    u = world["users"]
    thread = _thread(world)
    with pytest.raises(Forbidden):
        services.thread_escalate(thread=thread, actor=u["kader_jago"], note="Tolong dibantu segera ya")
    with pytest.raises(InvalidInput):
        services.thread_escalate(thread=thread, actor=u["fasilitator_jago"], note="")
    desa_thread = services.thread_escalate(
        thread=thread, actor=u["fasilitator_jago"], note="Ringkasan: anak perlu akta, mohon bantuan desa."
    )
    assert desa_thread.forum == world["forums"]["desa"] and desa_thread.escalated_from == thread
    assert Thread.objects.get(pk=thread.pk).escalation_target == desa_thread
    with pytest.raises(Conflict):
        services.thread_escalate(
            thread=thread, actor=u["fasilitator_jago"], note="Sekali lagi, mohon bantuan"
        )
    attention = selectors.forum_needs_attention(forum=world["forums"]["desa"])
    assert attention["threads"] == [desa_thread]
    # Facilitators of the target forum (and those above it) are told.
    told = set(
        Notification.objects.filter(kind="forum.escalated").values_list("recipient__username", flat=True)
    )
    assert {"fasilitator_praya", "koordinator_ntb"} <= told
    # Climb: desa -> kecamatan -> kabupaten -> provinsi, then no higher.
    current = desa_thread
    for _ in range(3):
        current = services.thread_escalate(
            thread=current, actor=u["koordinator_ntb"], note="Naik ke tingkat berikutnya, mohon ditangani."
        )
    assert current.forum.area.code == "52"
    with pytest.raises(Conflict):
        services.thread_escalate(
            thread=current, actor=u["koordinator_ntb"], note="Lebih tinggi lagi tidak ada"
        )
    services.thread_resolve(thread=desa_thread, actor=u["fasilitator_jago"])
    assert selectors.forum_needs_attention(forum=world["forums"]["desa"])["threads"] == []


def test_move_to_a_child_forum(world):
    thread = _thread(world, who="fasilitator_jago", forum="desa")
    dusun = world["forums"]["dusun"]
    with pytest.raises(InvalidInput):
        services.thread_move(
            thread=thread, actor=world["users"]["fasilitator_jago"], area_code="52.02.06.2001"
        )
    services.thread_move(thread=thread, actor=world["users"]["fasilitator_jago"], area_code=dusun.area.code)
    assert Thread.objects.get(pk=thread.pk).forum == dusun


def test_unread_tracking_and_write_only_when_marker_moves(world):
    kader, fas = world["users"]["kader_jago"], world["users"]["fasilitator_jago"]
    thread = _thread(world)
    for i in range(3):
        services.post_create(thread=thread, author=fas, body=f"Balasan {i}")
    thread.refresh_from_db()
    assert selectors.thread_first_unread(user=kader, thread=thread) == 2
    counts = selectors.unread_counts(user=kader, forum_ids=[world["forums"]["dusun"].pk])
    assert counts == {world["forums"]["dusun"].pk: 1}
    state = selectors.thread_state(user=kader, thread=thread)
    services.thread_mark_read(user=kader, thread=thread, upto=4, state=state)
    assert ThreadUser.objects.get(user=kader, thread=thread).last_read_number == 4
    state = selectors.thread_state(user=kader, thread=thread)
    with CaptureQueriesContext(connection) as ctx:
        services.thread_mark_read(user=kader, thread=thread, upto=3, state=state)
    assert len(ctx.captured_queries) == 0
    assert selectors.unread_counts(user=kader, forum_ids=[world["forums"]["dusun"].pk]) == {}
    # Mark forum read: a thread nobody opened counts as read too.
    other = _thread(world, who="fasilitator_jago", title="Thread lain untuk dibaca")
    assert selectors.unread_counts(user=kader, forum_ids=[other.forum_id]) == {other.forum_id: 1}
    services.forum_mark_read(forum=other.forum, user=kader)
    assert selectors.unread_counts(user=kader, forum_ids=[other.forum_id]) == {}


def test_mute_stops_reply_notifications(world):
    thread = _thread(world)
    services.thread_set_level(user=world["users"]["kader_jago"], thread=thread, level=WatchLevel.MUTE)
    services.post_create(thread=thread, author=world["users"]["fasilitator_jago"], body="Balasan")
    assert not Notification.objects.filter(kind="forum.reply").exists()


def test_member_management(world):
    fas = world["users"]["fasilitator_jago"]
    forum = world["forums"]["desa"]
    newbie = make_member(world["areas"]["52.02.06.2001"], Role.MEMBER)
    with pytest.raises(InvalidInput):
        services.forum_member_add(forum=forum, actor=fas, username="tidak_ada")
    membership = services.forum_member_add(forum=forum, actor=fas, username=newbie.username)
    assert VIEW in forum_perms(user=newbie, forum=type(forum).objects.get(pk=forum.pk))
    with pytest.raises(Forbidden):
        services.forum_member_add(forum=forum, actor=world["users"]["kader_jago"], username=newbie.username)
    services.forum_member_remove(forum=forum, actor=fas, membership_id=membership.pk)
    assert forum_perms(user=newbie, forum=type(forum).objects.get(pk=forum.pk)) == frozenset()


def test_search_never_returns_unreadable_threads(world):
    _thread(world, title="Akta kelahiran anak Jago", body="rahasia dusun")
    services.thread_create(
        forum=world["forums"]["other"],
        author=world["users"]["kader_sukaraja"],
        title="Akta kelahiran anak Sukaraja",
        body="rahasia sukaraja",
    )
    kader = world["users"]["kader_jago"]
    titles = [t.title for t in selectors.thread_search(user=kader, q="akta")]
    assert titles == ["Akta kelahiran anak Jago"]
    assert selectors.thread_search(user=kader, q="sukaraja").count() == 0
    assert selectors.thread_search(user=world["users"]["dukcapil_loteng_1"], q="akta").count() == 0
    assert selectors.thread_search(user=world["users"]["koordinator_ntb"], q="akta").count() == 2


def test_hidden_posts_are_not_searchable(world):
    thread = _thread(world, title="Judul biasa saja", body="kata kunci rahasiaku")
    services.post_hide(post=thread.posts.get(), actor=world["users"]["fasilitator_jago"], reason="data anak")
    assert selectors.thread_search(user=world["users"]["kader_jago"], q="rahasiaku").count() == 0


def test_membership_added_later_grants_access(world):
    person = make_member(world["areas"]["52.02.06.2001"], Role.MEMBER)
    forum = world["forums"]["kec"]
    assert forum_perms(user=person, forum=forum) == frozenset()
    membership_add(user=person, area=forum.area, role=Role.FACILITATOR)
    forum = type(forum).objects.get(pk=forum.pk)
    assert forum_perms(user=person, forum=forum) == {VIEW, POST, MODERATE}


@pytest.mark.postgres
def test_fulltext_search_uses_the_gin_index_on_postgres(world):
    from django.contrib.postgres.search import SearchQuery, SearchVector

    _thread(world, title="Akta kelahiran", body="akta kelahiran anak")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    query = SearchQuery("akta", config="simple", search_type="websearch")
    plan = Post.objects.annotate(sv=SearchVector("body", config="simple")).filter(sv=query).explain()
    assert "forum_post_fts" in plan
    assert [
        t.title for t in selectors.thread_search(user=world["users"]["kader_jago"], q="akta kelahiran")
    ] == ["Akta kelahiran"]


@pytest.mark.parametrize(
    "before, expected_level",
    [
        (None, WatchLevel.WATCH),  # no row yet: made, watching, read up to the reply
        ((0, WatchLevel.NORMAL), WatchLevel.WATCH),  # opened but not watched: now watching
        ((1, WatchLevel.WATCH), WatchLevel.WATCH),
        ((1, WatchLevel.MUTE), WatchLevel.MUTE),  # a muted thread stays muted
        ((99, WatchLevel.NORMAL), WatchLevel.WATCH),  # a marker ahead (a later purge) never moves back
    ],
)
def test_replying_makes_the_author_watch_and_read_up_to_the_reply(world, before, expected_level):
    thread = _thread(world)
    author = world["users"]["fasilitator_jago"]
    if before is not None:
        ThreadUser.objects.create(user=author, thread=thread, last_read_number=before[0], level=before[1])
    # The API's read of the thread for a reply (3 tables) is enough for the whole service.
    slim = selectors.thread_reply_get(user=author, pk=thread.pk)
    post = services.post_create(thread=slim, author=author, body="Saya bantu cek ke desa.")
    row = ThreadUser.objects.get(user=author, thread=thread)
    assert (row.level, row.last_read_number) == (expected_level, max(post.number, before[0] if before else 0))
    assert ThreadUser.objects.filter(user=author, thread=thread).count() == 1


def test_the_slim_read_for_a_reply_refuses_like_thread_get(world):
    thread = _thread(world)
    outsider = world["users"]["kader_sukaraja"]
    for pk in (thread.pk, 10**9, "x"):
        with pytest.raises(NotFound) as full:
            selectors.thread_get(user=outsider, pk=pk)
        with pytest.raises(NotFound) as slim:
            selectors.thread_reply_get(user=outsider, pk=pk)
        assert str(slim.value) == str(full.value)


def test_a_mention_costs_a_fixed_number_of_queries(world):
    """The mention lookup checks that the people read the forum (one query, in the render); notify() reads the
    preferences and the roles' defaults in one query and the verified channels in another, whatever the number
    of people mentioned."""
    author = world["users"]["fasilitator_jago"]
    thread = _thread(world, who="fasilitator_jago", forum="desa")
    others = [make_member(world["areas"]["52.02.01.2013"], Role.MEMBER) for _ in range(3)]
    services.post_create(thread=thread, author=author, body="Pemanasan")  # the author's marker exists

    def queries(body):
        with CaptureQueriesContext(connection) as ctx:
            services.post_create(thread=thread, author=author, body=body)
        return [q["sql"] for q in ctx.captured_queries]

    one = queries("Mohon dicek @kader_jago")
    three = queries("Mohon dicek " + " ".join(f"@{u.username}" for u in others))
    assert Notification.objects.filter(kind="forum.mention").count() == 4
    assert len(one) == len(three) == 12, "\n".join(three)
