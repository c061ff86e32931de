"""Issue 19.4 (stories): a child's name typed by mistake and edited out is gone, once an editor removes the text
of the older versions, from every revision row, the page rows, the history labels, the search index and the
admin's revision and compare views; the act is audited."""

import json

import pytest
from django.apps import apps
from django.db import connection
from wagtail.models import PageLogEntry, Revision

from cms.models import StoryPage
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NAME = "Baiq Kirana Redacttest"


def _rows_with(text: str) -> list[str]:
    """Every place in the database (revisions, page rows, log entries, search index) the text is found."""
    found = []
    for revision in Revision.objects.all():
        if text in json.dumps(revision.content, ensure_ascii=False) or text in revision.object_str:
            where = [k for k, v in revision.content.items() if text in json.dumps(v, ensure_ascii=False)]
            found.append(f"revision {revision.pk} {where}")
    for entry in PageLogEntry.objects.all():
        if text in entry.label or text in json.dumps(entry.data, ensure_ascii=False):
            found.append(f"page log entry {entry.pk}")
    tables = [m._meta.db_table for m in apps.get_app_config("cms").get_models()]
    tables += ["wagtailcore_page"]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        # Wagtail's search index: its entries, and on SQLite the FTS5 table and its shadow tables.
        tables += sorted(t for t in existing if t.startswith("wagtailsearch_"))
        for table in tables:
            if table not in existing:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                if any(text.lower() in str(value).lower() for value in row):
                    found.append(f"row of {table}")
    return found


@pytest.fixture
def edited_story(draft_story, editorial):
    """The editor typed a child's name in the title, summary and body, saved, then edited it out and saved
    again; a moderator published the corrected text."""
    editor, moderator = editorial["editor"], editorial["moderator"]
    story = StoryPage.objects.get(pk=draft_story.pk)
    story.title = f"Posyandu remaja: {NAME}"
    story.summary = f"{NAME} ikut kelas."
    story.body = [{"type": "paragraph", "value": f"<p>{NAME} dari Dusun Lendang belajar.</p>"}]
    story.save_revision(user=editor, log_action=True)
    story = StoryPage.objects.get(pk=draft_story.pk)
    story.title = "Posyandu remaja di Desa Jago"
    story.summary = "Seorang remaja ikut kelas."
    story.body = [{"type": "paragraph", "value": "<p>Seorang remaja dari dusun belajar.</p>"}]
    story.save_revision(user=editor, log_action=True).publish(user=moderator)
    return StoryPage.objects.get(pk=draft_story.pk)


def _admin_texts(client, story) -> str:
    texts = []
    revisions = list(Revision.page_revisions.filter(object_id=str(story.pk)).order_by("id"))
    for revision in revisions:
        response = client.get(f"/admin/pages/{story.pk}/revisions/{revision.pk}/view/")
        assert response.status_code == 200
        texts.append(response.content.decode())
    first, last = revisions[0].pk, revisions[-1].pk
    for url in (
        f"/admin/pages/{story.pk}/revisions/compare/{first}...{last}/",
        f"/admin/pages/{story.pk}/revisions/compare/earliest...live/",
        f"/admin/pages/{story.pk}/history/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    return "\n".join(texts)


def test_redacting_removes_the_edited_out_text_everywhere(client, edited_story, editorial):
    moderator = editorial["moderator"]
    client.force_login(moderator)
    # Before: the name is still readable (the test can fail).
    assert _rows_with(NAME)
    assert NAME in _admin_texts(client, edited_story)

    client.force_login(editorial["editor"])
    response = client.get(f"/admin/cms/pages/{edited_story.pk}/redact/")
    assert response.status_code == 200
    response = client.post(f"/admin/cms/pages/{edited_story.pk}/redact/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{edited_story.pk}/history/"

    assert _rows_with(NAME) == []
    assert not StoryPage.objects.search("Kirana")
    assert not StoryPage.objects.search("Redacttest")
    client.force_login(moderator)
    assert NAME not in _admin_texts(client, edited_story)
    assert "Redacttest" not in _admin_texts(client, edited_story)
    # The published text is untouched, and still found.
    story = StoryPage.objects.get(pk=edited_story.pk)
    assert story.live and story.summary == "Seorang remaja ikut kelas."
    assert client.get(story.url).status_code == 200
    entry = AuditEntry.objects.get(action="cms.revisions_redacted")
    assert entry.actor == editorial["editor"]
    assert entry.object_id == str(story.pk)
    assert NAME not in json.dumps(entry.detail)


def test_a_draft_that_was_never_live_is_redacted_in_its_own_row(client, draft_story, editorial):
    from cms.redaction import page_redact_revisions

    editor = editorial["editor"]
    story = StoryPage.objects.get(pk=draft_story.pk)
    story.summary = f"{NAME} ikut kelas."
    story.save(clean=False)  # the row of a draft, as Wagtail's create view leaves it
    story.save_revision(user=editor)
    story.summary = "Seorang remaja ikut kelas."
    story.save_revision(user=editor)
    assert _rows_with(NAME)
    page_redact_revisions(page=story, user=editor)
    assert _rows_with(NAME) == []
    assert not StoryPage.objects.get(pk=story.pk).live


def test_only_those_who_edit_the_page_may_redact(client, edited_story, editorial):
    from tests.factories import make_user

    outsider = make_user("redact_outsider")
    before = _rows_with(NAME)
    assert client.post(f"/admin/cms/pages/{edited_story.pk}/redact/").status_code == 302  # to the login
    client.force_login(outsider)
    assert client.post(f"/admin/cms/pages/{edited_story.pk}/redact/").status_code in (302, 403)
    assert _rows_with(NAME) == before
    assert not AuditEntry.objects.filter(action="cms.revisions_redacted").exists()


def test_the_page_menu_offers_it(client, edited_story, editorial):
    client.force_login(editorial["editor"])
    response = client.get(f"/admin/pages/{edited_story.pk}/edit/")
    assert response.status_code == 200
    assert f"/admin/cms/pages/{edited_story.pk}/redact/" in response.content.decode()
