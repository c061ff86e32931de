"""Issue 19.7: the images and documents of a story that is not live are reachable at no URL by a visitor; they
become public when a live page uses them with consent recorded, and private again when it is unpublished or the
consent is withdrawn. Table-driven over every kind of URL a file could be reached at."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


@pytest.fixture
def cms_demo(demo, settings, tmp_path):
    from cms.demo import seed

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _clear_caches(settings)
    return seed(demo)["cms"]


def _clear_caches(settings):
    """Wagtail caches renditions by image id: a previous test's (rolled back, same id on SQLite) must not
    answer for this test's image."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def media_world(db, settings, tmp_path):
    """A draft story whose main image shows a child, a body image, a document block and a rich-text document
    link; the renditions exist (as after the editor's preview)."""
    from django.contrib.auth.models import Group

    from cms.demo import draw_landscape
    from cms.models import HomePage, StoryIndexPage, StoryPage
    from cms.services import EDITORS, MODERATORS, page_publish
    from tests.factories import make_user

    settings.MEDIA_ROOT = str(tmp_path / "media")
    _clear_caches(settings)
    editor = make_user("media_editor")
    editor.groups.add(Group.objects.get(name=EDITORS))
    moderator = make_user("media_moderator")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    outsider = make_user("media_outsider")

    root_collection = Collection.get_first_root_node()
    photo = Image(
        title="Anak di posyandu",
        collection=root_collection,  # the upload form's choice: overridden, uploads start private
        file=ImageFile(
            io.BytesIO(draw_landscape("child", (200, 90, 60), (120, 80))), name="anak-posyandu.png"
        ),
    )
    photo.save()
    landscape = Image(
        title="Bukit",
        file=ImageFile(io.BytesIO(draw_landscape("hill", (40, 90, 60), (120, 80))), name="bukit.png"),
    )
    landscape.save()
    document = Document(title="Formulir persetujuan", collection=root_collection)
    document.file.save("persetujuan.pdf", ContentFile(PDF), save=False)
    document.save()

    home = HomePage.objects.get(locale__language_code="id", depth=2)
    index = StoryIndexPage(title="Cerita", slug="cerita")
    home.add_child(instance=index)
    page_publish(page=index)
    story = StoryPage(
        title="Kelas pengasuhan di Desa Jago",
        slug="kelas-pengasuhan",
        summary="Para nenek belajar bersama.",
        image=photo,
        image_alt="Seorang anak di posyandu",
        image_shows_child=True,
        image_consent_recorded=True,
        body=[
            {
                "type": "paragraph",
                "value": f'<p>Lihat <a linktype="document" id="{document.pk}">formulir</a>.</p>',
            },
            {
                "type": "image",
                "value": {"image": landscape.pk, "alt_text": "Bukit", "shows_child": False},
            },
            {"type": "document", "value": {"document": document.pk, "label": "Formulir"}},
        ],
        live=False,
        owner=editor,
    )
    index.add_child(instance=story)
    story.save_revision(user=editor)
    # What the story's template asks for (and the editor's preview made): webp renditions and the og:image.
    renditions = [
        photo.get_rendition("width-400|format-webp"),
        photo.get_rendition("fill-1200x630|format-jpeg"),
        landscape.get_rendition("width-400|format-webp"),
    ]
    return {
        "editor": editor,
        "moderator": moderator,
        "outsider": outsider,
        "photo": photo,
        "landscape": landscape,
        "document": document,
        "story": story,
        "renditions": renditions,
    }


# Every URL a file of the story could be reached at: (name, url(world), served once public).
MEDIA_URL_KINDS = [
    ("document serve view", lambda w: w["document"].url, True),
    ("document file under /media/", lambda w: "/media/" + w["document"].file.name, False),
    ("image original", lambda w: w["photo"].file.url, False),
    ("body image original", lambda w: w["landscape"].file.url, False),
    ("main image rendition", lambda w: w["renditions"][0].url, True),
    ("og:image rendition", lambda w: w["renditions"][1].url, True),
    ("body image rendition", lambda w: w["renditions"][2].url, True),
    ("images API", lambda w: f"/api/v2/images/{w['photo'].pk}/", False),
    ("documents API", lambda w: f"/api/v2/documents/{w['document'].pk}/", False),
]
KIND_IDS = [kind[0] for kind in MEDIA_URL_KINDS]


def _refused(response) -> bool:
    return response.status_code in (403, 404)


def test_uploads_start_in_the_private_collection(media_world):
    from cms.media import PRIVATE_COLLECTION

    for item in (media_world["photo"], media_world["landscape"], media_world["document"]):
        item.refresh_from_db()
        assert item.collection.name == PRIVATE_COLLECTION
        assert item.collection.get_view_restrictions().exists()  # Wagtail's own privacy, not a flag of ours


@pytest.mark.parametrize(("name", "url_of", "public"), MEDIA_URL_KINDS, ids=KIND_IDS)
def test_media_of_a_draft_is_refused_to_visitors(client, media_world, name, url_of, public):
    url = url_of(media_world)
    assert url.startswith("/")
    assert _refused(client.get(url)), f"{name} {url} is served to an anonymous visitor"
    client.force_login(media_world["outsider"])
    assert _refused(client.get(url)), f"{name} {url} is served to a member who does not edit the site"


@pytest.mark.parametrize(("name", "url_of", "public"), MEDIA_URL_KINDS, ids=KIND_IDS)
def test_editors_see_draft_media_but_never_originals(client, media_world, name, url_of, public):
    """The check is real: the same URL works for an editor (the admin and the preview need it)."""
    client.force_login(media_world["editor"])
    response = client.get(url_of(media_world))
    assert (response.status_code == 200) is public, name


def test_the_preview_is_not_open_to_visitors(client, media_world):
    story = media_world["story"]
    for url in (f"/admin/pages/{story.pk}/edit/preview/", f"/admin/pages/{story.pk}/view_draft/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert "/login/" in response["Location"]
        client.force_login(media_world["outsider"])
        assert client.get(url).status_code in (302, 403, 404)
        client.logout()
    # The draft's own address is not a page yet.
    assert client.get("/cerita/kelas-pengasuhan/").status_code == 404


def _publish(world):
    from cms.services import page_publish

    return page_publish(
        page=world["story"].specific_class.objects.get(pk=world["story"].pk), user=world["moderator"]
    )


def _anonymous_urls(world):
    return [(name, url_of(world), public) for name, url_of, public in MEDIA_URL_KINDS]


def test_published_with_consent_the_page_shows_its_media_then_private_again(client, media_world):
    from cms.media import PRIVATE_COLLECTION, PUBLIC_COLLECTION

    story = _publish(media_world)
    page = client.get(story.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "/media/original_images/" not in html
    assert media_world["document"].url in html
    media_urls = set(re.findall(r"/media/images/[^\"'\s,]+", html))
    assert media_urls, "the published page shows its images"
    for rendition in media_world["renditions"][:1] + media_world["renditions"][2:]:
        assert rendition.url in media_urls
    for url in media_urls | {media_world["document"].url}:
        assert client.get(url).status_code == 200, url
    for name, url, public in _anonymous_urls(media_world):
        assert (client.get(url).status_code == 200) is public, name
    for item in (media_world["photo"], media_world["landscape"], media_world["document"]):
        item.refresh_from_db()
        assert item.collection.name == PUBLIC_COLLECTION

    story.unpublish(user=media_world["moderator"])
    for name, url, _public in _anonymous_urls(media_world):
        assert _refused(client.get(url)), f"{name} still served after unpublishing"
    for url in media_urls:
        assert _refused(client.get(url)), url
    media_world["photo"].refresh_from_db()
    assert media_world["photo"].collection.name == PRIVATE_COLLECTION


def test_withdrawn_consent_makes_the_main_image_private_again(client, media_world):
    from cms.media import media_sync

    story = _publish(media_world)
    rendition = media_world["renditions"][0].url
    assert client.get(rendition).status_code == 200
    # The caregiver withdrew consent. Recorded as it is on the live row (the editor's form refuses a child's
    # image without consent, so no other path leaves it live): the image is private at the next sync.
    type(story).objects.filter(pk=story.pk).update(image_consent_recorded=False)
    media_sync()
    assert _refused(client.get(rendition))
    type(story).objects.filter(pk=story.pk).update(image_consent_recorded=True)
    media_sync()
    assert client.get(rendition).status_code == 200
    # Through the editor: consent unticked, so the image has to go; once published, it is private.
    story = type(story).objects.get(pk=story.pk)
    story.image, story.image_alt, story.image_shows_child, story.image_consent_recorded = (
        None,
        "",
        False,
        False,
    )
    story.save_revision(user=media_world["moderator"]).publish(user=media_world["moderator"])
    assert _refused(client.get(rendition))
    # The body image has nothing to do with that consent and stays public.
    assert client.get(media_world["renditions"][2].url).status_code == 200


def test_a_body_image_of_a_child_without_consent_is_never_public(client, media_world):
    from cms.media import media_sync, public_media

    story = _publish(media_world)
    body = list(story.body.raw_data)
    body[1]["value"].update({"shows_child": True, "consent_recorded": False})
    type(story).objects.filter(pk=story.pk).update(body=body)
    media_sync()
    assert media_world["landscape"].pk not in public_media()["image"]
    assert _refused(client.get(media_world["renditions"][2].url))


def test_moving_an_upload_to_the_public_collection_by_hand_is_overridden(media_world):
    from cms.media import PRIVATE_COLLECTION, PUBLIC_COLLECTION

    photo = media_world["photo"]
    photo.collection = Collection.objects.get(name=PUBLIC_COLLECTION)
    photo.save()
    photo.refresh_from_db()
    assert photo.collection.name == PRIVATE_COLLECTION


def test_the_main_image_of_a_child_needs_recorded_consent(media_world):
    from django.core.exceptions import ValidationError

    story = media_world["story"]
    story.image_consent_recorded = False
    with pytest.raises(ValidationError) as caught:
        story.full_clean()
    assert "image_consent_recorded" in caught.value.message_dict
    story.image_shows_child = False
    story.full_clean()


def test_case_codes_are_refused_in_the_body_and_the_main_image_text(media_world):
    from django.core.exceptions import ValidationError

    story = media_world["story"]
    story.body = [{"type": "paragraph", "value": "<p>Kasus APM-5202-00042 selesai.</p>"}]
    with pytest.raises(ValidationError) as caught:
        story.full_clean()
    assert "body" in caught.value.message_dict
    story.body = [{"type": "paragraph", "value": "<p>Selesai.</p>"}]
    story.image_alt = "Foto kasus APM-5202-00042"
    with pytest.raises(ValidationError) as caught:
        story.full_clean()
    assert "image_alt" in caught.value.message_dict


def test_no_public_page_links_an_original(client, cms_demo):
    """Every live page of the demo: no original's URL, and every /media/ URL in it is served to a visitor."""
    from wagtail.models import Page

    pages = [p for p in Page.objects.live().public().filter(depth__gt=1) if p.url]
    assert len(pages) > 5
    seen = 0
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = response.content.decode()
        assert "/media/original_images/" not in html, page.url
        assert "/media/documents/" not in html, page.url
        for url in set(re.findall(r"/media/[^\"'\s,)]+", html)):
            seen += 1
            assert client.get(url).status_code == 200, (page.url, url)
    assert seen, "the demo's stories show images"
