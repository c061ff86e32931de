"""Page-tree rules, the content rules of the shared blocks, and the translation sync check."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.images.models import Image
from wagtail.models import Page

from cms.blocks import BaseStreamBlock, CaptionedImageBlock, contains_case_reference
from cms.models import HomePage, ResourcePage, StandardPage, StoryIndexPage, StoryPage

pytestmark = pytest.mark.django_db


def test_page_tree_rules(story_index, home):
    root = Page.get_first_root_node()
    about = StandardPage(title="Tentang", slug="tentang")
    home.add_child(instance=about)
    assert HomePage.can_create_at(root)
    assert not HomePage.can_create_at(home)
    assert StoryPage.can_create_at(story_index)
    assert not StoryPage.can_create_at(home)
    assert not StoryPage.can_create_at(about)
    assert not StoryIndexPage.can_create_at(home)  # one story index per home page, and it exists
    assert not StoryIndexPage.can_create_at(story_index)
    assert StandardPage.can_create_at(home) and StandardPage.can_create_at(about)
    assert not StandardPage.can_create_at(story_index)
    assert ResourcePage.can_create_at(home) and ResourcePage.can_create_at(about)
    assert StoryPage.allowed_subpage_models() == []
    assert ResourcePage.allowed_subpage_models() == []
    assert set(StoryIndexPage.allowed_subpage_models()) == {StoryPage}


def test_site_setup_made_home_pages_per_locale(home, client):
    english = home.get_translation(home.locale.__class__.objects.get(language_code="en"))
    assert home.url == "/" and english.url == "/en/"
    assert not Page.objects.filter(
        depth=2, content_type__model="page"
    ).exists()  # Wagtail's welcome page is gone


@pytest.fixture
def image(db, tmp_path, settings):
    from cms.demo import draw_landscape

    settings.MEDIA_ROOT = str(tmp_path)
    picture = Image(
        title="Bukit", file=ImageFile(io.BytesIO(draw_landscape("t", (40, 90, 60), (64, 36))), name="b.png")
    )
    picture.save()
    return picture


def image_value(image, **flags):
    return CaptionedImageBlock().to_python({"image": image.pk, "alt_text": "Bukit", "caption": "", **flags})


def test_an_image_showing_a_child_needs_recorded_consent(image):
    block = CaptionedImageBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(image_value(image, shows_child=True, consent_recorded=False))
    assert "consent_recorded" in error.value.block_errors
    block.clean(image_value(image, shows_child=True, consent_recorded=True))
    block.clean(image_value(image, shows_child=False, consent_recorded=False))


def test_consent_message_is_translated(image):
    from django.utils import translation

    with translation.override("id"), pytest.raises(StructBlockValidationError) as error:
        CaptionedImageBlock().clean(image_value(image, shows_child=True))
    assert "persetujuan pengasuh" in str(error.value.block_errors["consent_recorded"].messages[0])


@pytest.mark.parametrize(
    "text",
    [
        '<p>Lihat <a href="/cases/APM-5202-00042/">berkas</a></p>',
        '<p><a href="https://pelita.example/en/cases/12/">file</a></p>',
        "<p>Anak dengan kode APM-5202-00042 sudah punya akta.</p>",
    ],
)
def test_stories_never_point_at_case_records(text):
    assert contains_case_reference(text)
    block = BaseStreamBlock()
    value = block.to_python([{"type": "paragraph", "value": text}])
    with pytest.raises(StreamBlockValidationError):
        block.clean(value)


def test_ordinary_links_and_words_are_fine():
    block = BaseStreamBlock()
    text = '<p>In many cases the <a href="/cerita/akta/">story</a> helps; see https://dukcapil.example/layanan/</p>'
    assert not contains_case_reference(text)
    block.clean(block.to_python([{"type": "paragraph", "value": text}]))


def test_case_codes_are_refused_in_quotes_and_titles(story_index):
    block = BaseStreamBlock()
    quote = block.to_python(
        [{"type": "quote", "value": {"text": "APM-5202-00042 sudah sekolah", "role": "kader"}}]
    )
    with pytest.raises(StreamBlockValidationError):
        block.clean(quote)
    story = StoryPage(title="Kisah APM-5202-00042", slug="kisah", summary="x", body=[])
    with pytest.raises(ValidationError) as error:
        story_index.add_child(instance=story)
    assert "title" in error.value.message_dict


def test_story_area_must_be_kabupaten_kecamatan_or_desa(story_index, areas):
    from portal.areas.models import Area

    story = StoryPage(
        title="Provinsi", slug="provinsi", summary="x", body=[], area=Area.objects.get(code="52")
    )
    with pytest.raises(ValidationError) as error:
        story_index.add_child(instance=story)
    assert "area" in error.value.message_dict


def test_out_of_date_translations_are_listed(draft_story, editorial):
    from cms.selectors import translations_out_of_date
    from cms.services import page_translate

    english = page_translate(page=draft_story, language="en", title="Youth post", slug="youth-post")
    assert translations_out_of_date() == []
    draft_story.summary = "Berubah setelah diterjemahkan."
    draft_story.save_revision(user=editorial["editor"])
    stale = translations_out_of_date()
    assert [item["translation"].pk for item in stale] == [english.pk]
