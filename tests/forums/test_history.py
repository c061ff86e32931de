"""19.4: text that was edited out does not stay readable. The edit history is the author's and the forum's
moderators' only; either can redact an earlier version (audited, the text gone from the database); deleting or
hiding a post "for privacy" purges it and its history. Every other store of the same kind is checked by scanning
every column of every table of the database (discovered from the schema, so a new store cannot hide) for the
planted text: notifications, e-mails, search, mentions, quotes in other posts, the audit log."""

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from forums import selectors, services
from forums.markup import quote_markdown
from forums.models import Mention, PostRevision
from portal.audit.models import AuditEntry
from portal.notifications.models import Delivery, NotificationPreference

from .conftest import login

pytestmark = pytest.mark.django_db

SECRET = "Zulkarnain Rahasia 5202011705200001"


def tables_holding(text: str) -> list[str]:
    """Every table.column whose value, read as text, contains `text` (all tables, all columns)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608 (names from the schema)
                    f"WHERE CAST({name} AS TEXT) LIKE %s",
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


@pytest.fixture
def leaked(world, django_capture_on_commit_callbacks, settings):
    """The 19.4 story: a cadre names a child in a post, mentions the facilitator (who gets e-mail at once), a
    neighbour quotes it, the facilitator escalates it, then the cadre edits the name out."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    u = world["users"]
    kader, fas = u["kader_jago"], u["fasilitator_jago"]
    fas.email = "fasilitator@example.org"
    fas.save(update_fields=["email"])
    NotificationPreference.objects.create(user=fas, kind="forum.mention", delivery=Delivery.EMAIL)
    NotificationPreference.objects.create(user=fas, kind="forum.reply", delivery=Delivery.DIGEST)
    from tests.factories import make_member

    neighbour = make_member(world["dusun"], username="tetangga")
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            forum=world["forums"]["dusun"],
            author=kader,
            title="Anak belum punya akta",
            body=f"Anaknya {SECRET}, ibunya di Malaysia. @fasilitator_jago mohon bantu.",
        )
        post = thread.posts.get(number=1)
        quote = services.post_create(
            thread=thread,
            author=neighbour,
            body=quote_markdown(author=kader.shown_name, body=post.body) + "Saya kenal keluarganya.",
        )
        services.post_create(thread=thread, author=fas, body="Terima kasih, saya bantu.")
        desa = services.thread_escalate(thread=thread, actor=fas, note="Mohon bantuan pendamping desa.")
        services.post_edit(
            post=post, editor=kader, body="Seorang anak, ibunya di Malaysia. @fasilitator_jago"
        )
    post.refresh_from_db()
    assert SECRET not in post.body and SECRET in post.revisions.get().body
    assert tables_holding(SECRET)  # the planted text is where it was typed and quoted
    return {**world, "thread": thread, "post": post, "quote": quote, "desa": desa, "neighbour": neighbour}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("kader_jago", 200),  # the author
        ("fasilitator_jago", 200),  # the forum's facilitator
        ("fasilitator_praya", 200),  # a moderator from above (Kec. Praya oversees the dusun forum)
        ("tetangga", 404),  # another member of the forum
        ("pendamping_jago", 404),  # reads the desa forum only
        ("kader_sukaraja", 404),  # another village
    ],
)
def test_history_only_for_the_author_and_moderators(leaked, who, status):
    user = leaked["neighbour"] if who == "tetangga" else leaked["users"][who]
    resp = login(user).get(reverse("forums:post_history", args=[leaked["post"].pk]))
    assert resp.status_code == status
    assert (SECRET in resp.content.decode()) == (status == 200)


def test_the_thread_links_to_the_history_only_for_those_who_may_read_it(leaked):
    url = reverse("forums:post_history", args=[leaked["post"].pk])
    thread_url = reverse("forums:thread", args=[leaked["thread"].pk])
    assert url in login(leaked["users"]["kader_jago"]).get(thread_url).content.decode()
    neighbour = login(leaked["neighbour"]).get(thread_url).content.decode()
    assert url not in neighbour and "diubah" in neighbour


def _purge_everything(leaked):
    """What the people in the story can do: redact the revision, and the quote goes with it."""
    revision = leaked["post"].revisions.get()
    client = login(leaked["users"]["kader_jago"])
    resp = client.post(reverse("forums:post_history", args=[leaked["post"].pk]), {"redact": revision.pk})
    assert resp.status_code == 302
    return revision


def test_redacting_a_revision_removes_the_text_from_the_whole_database(leaked):
    before = selectors.thread_search(user=leaked["users"]["fasilitator_jago"], q="Zulkarnain")
    assert leaked["thread"] in before  # found through the quote in the neighbour's reply
    revision = _purge_everything(leaked)
    assert tables_holding(SECRET) == []
    revision.refresh_from_db()
    assert revision.body == "" and revision.redacted_by == leaked["users"]["kader_jago"]
    html = login(leaked["users"]["kader_jago"]).get(reverse("forums:post_history", args=[leaked["post"].pk]))
    assert "Dihapus oleh" in html.content.decode()
    entry = AuditEntry.objects.get(action="forum.revision_redact")
    assert entry.actor == leaked["users"]["kader_jago"]
    # Search no longer finds it (PostgreSQL full text, or the substring search of the SQLite fallback).
    assert not selectors.thread_search(user=leaked["users"]["fasilitator_jago"], q="Zulkarnain").exists()
    # The neighbour's reply keeps its own words; the quote says it was removed.
    leaked["quote"].refresh_from_db()
    assert (
        "Saya kenal keluarganya." in leaked["quote"].body and "dihapus demi privasi" in leaked["quote"].body
    )


def test_only_the_author_and_moderators_redact(leaked):
    revision = leaked["post"].revisions.get()
    resp = login(leaked["neighbour"]).post(
        reverse("forums:post_history", args=[leaked["post"].pk]), {"redact": revision.pk}
    )
    assert resp.status_code == 404
    assert PostRevision.objects.get(pk=revision.pk).body != ""
    services.post_revision_redact(
        post=leaked["post"], revision_id=revision.pk, actor=leaked["users"]["fasilitator_praya"]
    )
    assert PostRevision.objects.get(pk=revision.pk).redacted_at is not None


@pytest.mark.parametrize("how", ["delete", "hide"])
def test_removing_a_post_for_privacy_purges_it_and_everything_derived(leaked, how):
    post, fas = leaked["post"], leaked["users"]["fasilitator_jago"]
    client = login(fas)
    if how == "delete":
        resp = client.post(reverse("forums:post_delete", args=[post.pk]), {"privacy": "on"})
    else:
        resp = client.post(
            reverse("forums:post_hide", args=[post.pk]), {"reason": "Nama anak", "privacy": "on"}
        )
    assert resp.status_code == 302
    assert tables_holding(SECRET) == []
    post.refresh_from_db()
    assert post.body == "" and post.purged_at and not post.revisions.exists()
    assert not Mention.objects.filter(post=post).exists()
    assert AuditEntry.objects.filter(action="forum.post_purge", actor=fas).exists()
    # Nobody reads it any more: not the moderators up to the province, not on the escalated thread.
    for who in ("fasilitator_jago", "fasilitator_praya", "koordinator_ntb"):
        c = login(leaked["users"][who])
        for url in (
            reverse("forums:thread", args=[leaked["thread"].pk]),
            reverse("forums:thread", args=[leaked["desa"].pk]),
            reverse("forums:post_history", args=[post.pk]),
            f"/api/v1/threads/{leaked['thread'].pk}/posts",
            f"/api/v1/threads/{leaked['desa'].pk}",
        ):
            assert SECRET not in c.get(url).content.decode(), (who, url)
    # E-mails already sent or waiting (at once, digest) never carried the text: they carry the thread's title.
    from portal.notifications.emails import send_digests

    send_digests()
    assert mail.outbox and all(SECRET not in m.subject + m.body for m in mail.outbox)


def test_an_ordinary_delete_keeps_the_history_from_every_reader(leaked):
    """Deleted without "for privacy": nobody reads the text or its history on any page any more."""
    post = leaked["post"]
    services.post_delete(post=post, actor=leaked["users"]["fasilitator_jago"])
    for who in ("kader_jago", "fasilitator_jago", "fasilitator_praya"):
        resp = login(leaked["users"][who]).get(reverse("forums:post_history", args=[post.pk]))
        assert resp.status_code == 404


def test_purging_survives_old_texts_deeper_than_todays_cap(leaked):
    """A reply saved before the nesting cap, quoting the purged text: the purge rewrites it instead of failing."""
    from forums.models import Post

    old = Post.objects.get(pk=leaked["quote"].pk)
    old.body = old.body + "\n\n" + "> " * 40 + "lama @fasilitator_jago"
    old.save(update_fields=["body"])
    services.post_delete(post=leaked["post"], actor=leaked["users"]["fasilitator_jago"], privacy=True)
    old.refresh_from_db()
    assert SECRET not in old.body and "lama" in old.body_html
    assert tables_holding(SECRET) == []
