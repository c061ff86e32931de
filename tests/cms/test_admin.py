"""The back office pieces of the public site: the area chooser, the translations panel, search."""

import pytest

from cms.models import StoryPage
from cms.selectors import StoryFilters, story_list
from cms.services import page_publish, page_translate

pytestmark = pytest.mark.django_db


def test_area_chooser_searches_by_name_or_code(client, editorial, areas):
    client.force_login(editorial["editor"])
    response = client.get("/admin/cms/area-chooser/results/", {"q": "Jago"})
    assert response.status_code == 200
    assert "52.02.01.2013" in response.content.decode() or "Jago" in response.content.decode()
    by_code = client.get("/admin/cms/area-chooser/results/", {"q": "52.02.01"}).content.decode()
    assert "Praya" in by_code


def test_dashboard_lists_translations_to_update(client, draft_story, editorial):
    page_translate(page=draft_story, language="en", title="Youth post", slug="youth-post")
    draft_story = StoryPage.objects.get(pk=draft_story.pk)
    draft_story.summary = "Berubah."
    draft_story.save_revision(user=editorial["editor"])
    client.force_login(editorial["editor"])
    html = client.get("/admin/").content.decode()
    assert "Terjemahan yang perlu diperbarui" in html or "Translations to bring up to date" in html
    assert "Youth post" in html


def test_search_finds_words_in_the_body(story_index):
    for slug, text in (("air", "Sumur bor untuk posyandu"), ("sekolah", "Kembali ke sekolah bersama")):
        story = StoryPage(
            title=slug.title(),
            slug=slug,
            summary="Ringkas.",
            body=[{"type": "paragraph", "value": f"<p>{text}</p>"}],
        )
        story_index.add_child(instance=story)
        page_publish(page=story)
    found = list(story_list(index_page=story_index, filters=StoryFilters(q="sumur")))
    assert [s.slug for s in found] == ["air"]


@pytest.mark.postgres
def test_search_uses_postgres_full_text_on_postgres():
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    assert type(backend).__name__ == "PostgresSearchBackend"
    assert backend.config == "simple"


def test_home_page_shows_public_figures_and_login(client, home):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html
    try:
        from dashboard.selectors import public_indicators  # noqa: F401
    except ImportError:  # the dashboard has not landed: the home page simply leaves the figures out
        assert "Pelita dalam angka" not in html
    else:
        assert "Pelita dalam angka" in html
        assert "anak terdata" in html
