"""Who may see an uploaded image or document (issue 19.7).

An upload is private until a live, public page uses it. Wagtail's own privacy does the checking: two collections,
"private" with a CollectionViewRestriction (the Editors and Moderators groups) and "public" without one. Every
new image or document lands in the private collection; `media_sync()` moves each one to the collection its use
calls for, after every publish, unpublish, move, delete and page privacy change:

- public when a live page that anonymous visitors may see uses it in its live content (a story's main image,
  a body image, a document block or a rich-text document link, a resource page's document), and, for an image
  marked "shows a child", only while every such use has the caregiver's consent recorded;
- private otherwise (a draft's photo waiting for consent, a story that was unpublished, a withdrawn consent).

Documents are served only by Wagtail's serve view (WAGTAILDOCS_SERVE_METHOD = "serve_view"), which applies the
collection's restriction (a refused visitor gets 404 here, not a login page that would confirm the file exists).
Images: `/media/images/...` (renditions) go through `serve_media` below, which applies the same restriction;
originals (`/media/original_images/...`) and every other path under /media/ are never served."""

import logging
import re
from collections import defaultdict

from django.http import Http404

logger = logging.getLogger("pelita.cms")

PRIVATE_COLLECTION = "Private: not on a live page"
PUBLIC_COLLECTION = "Public: on a live page"
RENDITIONS_PREFIX = "images/"

_DOCUMENT_LINK = re.compile(r"""<a\b[^>]*\blinktype=["']document["'][^>]*>""", re.I)
_IMAGE_EMBED = re.compile(r"""<embed\b[^>]*\bembedtype=["']image["'][^>]*>""", re.I)
_ID = re.compile(r"""\bid=["'](\d+)["']""")


def media_collections():
    """The private and the public collection (created once, under the root), and the private one's restriction:
    only the Editors and Moderators groups (and superusers) may see what is in it."""
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, CollectionViewRestriction

    from .services import EDITORS, MODERATORS

    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    found = {c.name: c for c in root.get_children().filter(name__in=[PRIVATE_COLLECTION, PUBLIC_COLLECTION])}
    private = found.get(PRIVATE_COLLECTION) or root.add_child(name=PRIVATE_COLLECTION)
    public = found.get(PUBLIC_COLLECTION) or root.add_child(name=PUBLIC_COLLECTION)
    restriction = CollectionViewRestriction.objects.filter(collection=private).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=private, restriction_type=CollectionViewRestriction.GROUPS
        )
    elif restriction.restriction_type != CollectionViewRestriction.GROUPS:
        restriction.restriction_type = CollectionViewRestriction.GROUPS
        restriction.save(update_fields=["restriction_type"])
    groups = list(Group.objects.filter(name__in=[EDITORS, MODERATORS]))
    if set(restriction.groups.all()) != set(groups):
        restriction.groups.set(groups)
    # The public collection must stay open, and so must the root it inherits from.
    CollectionViewRestriction.objects.filter(collection__in=[root, public]).delete()
    return private, public


def _private_public_ids() -> tuple[int | None, int | None]:
    from wagtail.models import Collection

    ids = dict(
        Collection.objects.filter(name__in=[PRIVATE_COLLECTION, PUBLIC_COLLECTION], depth=2).values_list(
            "name", "pk"
        )
    )
    return ids.get(PRIVATE_COLLECTION), ids.get(PUBLIC_COLLECTION)


# --- what a page uses ----------------------------------------------------------------------------------------


def _ids(pattern, html: str) -> list[int]:
    found = []
    for tag in pattern.findall(html or ""):
        match = _ID.search(tag)
        if match:
            found.append(int(match.group(1)))
    return found


def _walk(block, value):
    """(kind, id, may_be_public) for every image and document in a block's value."""
    from wagtail import blocks
    from wagtail.documents.blocks import DocumentChooserBlock
    from wagtail.images.blocks import ImageChooserBlock

    from .blocks import CaptionedImageBlock

    if value is None:
        return
    if isinstance(block, CaptionedImageBlock):
        image = value.get("image")
        if image is not None:
            yield "image", image.pk, (not value.get("shows_child")) or bool(value.get("consent_recorded"))
        return
    if isinstance(block, ImageChooserBlock):
        yield "image", value.pk, True
    elif isinstance(block, DocumentChooserBlock):
        yield "document", value.pk, True
    elif isinstance(block, blocks.RichTextBlock):
        source = getattr(value, "source", str(value))
        for pk in _ids(_DOCUMENT_LINK, source):
            yield "document", pk, True
        for pk in _ids(_IMAGE_EMBED, source):
            yield "image", pk, True
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from _walk(child, value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from _walk(block.child_block, item)
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from _walk(child.block, child.value)


def page_media(page):
    """Every (kind, id, may_be_public) a page's content uses: its main image (with its child/consent flags),
    its document, and what its StreamFields hold."""
    from wagtail.fields import StreamField

    from .models import ResourcePage, StoryPage

    if isinstance(page, StoryPage) and page.image_id:
        yield "image", page.image_id, (not page.image_shows_child) or page.image_consent_recorded
    if isinstance(page, ResourcePage) and page.document_id:
        yield "document", page.document_id, True
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            stream = getattr(page, field.name)
            yield from _walk(field.stream_block, stream)


def public_media() -> dict[str, set[int]]:
    """The images and documents that may be public now: used by a live page anonymous visitors may see, in its
    live content, with consent wherever the image shows a child (one use without it keeps the image private)."""
    from wagtail.models import Page

    uses: dict[tuple[str, int], list[bool]] = defaultdict(list)
    for page in Page.objects.live().public().filter(depth__gt=1).specific(defer=False).iterator():
        for kind, pk, allowed in page_media(page):
            uses[(kind, pk)].append(allowed)
    result: dict[str, set[int]] = {"image": set(), "document": set()}
    for (kind, pk), allowed in uses.items():
        if allowed and all(allowed):
            result[kind].add(pk)
    return result


def media_sync() -> dict[str, int]:
    """Move every image and document to the collection its use calls for; returns how many moved each way.
    Bulk updates: no model signals, no search reindex (the collection is a filter field read from the table)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    private_id, public_id = _private_public_ids()
    if private_id is None or public_id is None:
        private, public = media_collections()
        private_id, public_id = private.pk, public.pk
    allowed = public_media()
    moved = {}
    for kind, model in (("image", get_image_model()), ("document", get_document_model())):
        ids = allowed[kind]
        moved[f"{kind}s_public"] = (
            model.objects.filter(pk__in=ids).exclude(collection_id=public_id).update(collection_id=public_id)
        )
        moved[f"{kind}s_private"] = (
            model.objects.exclude(pk__in=ids)
            .exclude(collection_id=private_id)
            .update(collection_id=private_id)
        )
    if any(moved.values()):
        logger.info("media collections synced: %s", moved)
    return moved


def upload_starts_private(sender, instance, raw=False, **kwargs):
    """pre_save of an image or a document: a new upload goes to the private collection whatever the form chose;
    a change of collection by hand is overridden by the rule (a moved file is re-decided at once)."""
    if raw:
        return
    private_id, public_id = _private_public_ids()
    if private_id is None:
        return
    if instance._state.adding or instance.pk is None:
        instance.collection_id = private_id
        return
    previous = type(instance).objects.filter(pk=instance.pk).values_list("collection_id", flat=True).first()
    if previous != instance.collection_id:
        kind = "document" if sender._meta.model_name.endswith("document") else "image"
        instance.collection_id = public_id if instance.pk in public_media()[kind] else private_id


# --- serving ---------------------------------------------------------------------------------------------------


def visible_to(collection, request) -> bool:
    """Wagtail's collection privacy: every restriction on the collection and its ancestors accepts the request."""
    return all(restriction.accept_request(request) for restriction in collection.get_view_restrictions())


def refuse_private_document(document, request):
    """before_serve_document, ahead of Wagtail's own check: a private document is 404 to whoever may not see
    it (Wagtail would send a login page, which tells a stranger the file exists)."""
    if not visible_to(document.collection, request):
        raise Http404


def serve_media(request, path):
    """Everything under MEDIA_URL. Renditions of images that the visitor may see; nothing else (originals,
    documents' files, anything a storage left there) is ever served: 404."""
    from django.views.decorators.http import require_safe
    from wagtail.images import get_image_model
    from wagtail.utils import sendfile_streaming_backend
    from wagtail.utils.sendfile import sendfile

    @require_safe
    def view(request):
        if not path.startswith(RENDITIONS_PREFIX) or ".." in path.split("/"):
            raise Http404
        rendition = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(file=path)
            .select_related("image__collection")
            .first()
        )
        if rendition is None or not visible_to(rendition.image.collection, request):
            raise Http404
        try:
            local_path = rendition.file.path
        except NotImplementedError:  # a remote storage: its own URLs, never through here
            raise Http404 from None
        response = sendfile(request, local_path, backend=sendfile_streaming_backend.sendfile)
        public = not rendition.image.collection.get_view_restrictions().exists()
        # Revalidated on every use (cheap: 304): an image made private again is not kept by caches.
        response["Cache-Control"] = "public, no-cache" if public else "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    return view(request)
