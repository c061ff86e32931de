"""The StreamField blocks every Pelita page shares (as wagtail/bakerydemo does: one base stream block).

Two rules live here because they belong to the content itself, whatever page it sits on:
- an image that shows a child can only be saved once the editor confirms the caregiver's consent is recorded;
- a public page never points at a case record: no link into /cases/ and no case code (APM-5202-00042).
"""

import json
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

# A case code (APM-5202-00042) or any link into the case pages (/cases/, with or without the /en prefix).
CASE_REFERENCE = re.compile(r"APM-\d{2,4}-\d{1,6}|(?:^|[\"'\s=(]|https?://[^/\s\"']+)/(?:en/)?cases/", re.I)


def contains_case_reference(text: str) -> bool:
    return bool(text) and bool(CASE_REFERENCE.search(text))


CASE_REFERENCE_MESSAGE = _(
    "Stories are public: remove the link to a case record or the case code (APM-…). "
    "Describe the situation without pointing at a child's file."
)


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    size = blocks.ChoiceBlock(
        label=_("Size"), choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=200,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=120)
    shows_child = blocks.BooleanBlock(
        label=_("This image shows a child"),
        required=False,
        help_text=_("Tick if a child can be seen or recognised in the image."),
    )
    consent_recorded = blocks.BooleanBlock(
        label=_("The caregiver's written consent to publish is recorded"),
        required=False,
        help_text=_("Required when the image shows a child. Keep the signed form in the programme office."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("shows_child") and not value.get("consent_recorded"):
            raise StructBlockValidationError(
                block_errors={
                    "consent_recorded": ValidationError(
                        _(
                            "This image shows a child: confirm that the caregiver's consent to publish it is "
                            "recorded, or choose another image."
                        ),
                        code="consent_required",
                    )
                }
            )
        return value


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"), max_length=600)
    speaker = blocks.CharBlock(
        label=_("Speaker"),
        required=False,
        max_length=120,
        help_text=_("Leave empty to quote by role only. Never name a child."),
    )
    role = blocks.CharBlock(label=_("Speaker's role"), max_length=120, help_text=_("e.g. kader posyandu"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("Figure"), max_length=20, help_text=_("e.g. 42 or 85%"))
    label = blocks.CharBlock(label=_("What it counts"), max_length=120)


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("Figures"), min_num=1, max_num=6)
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=200)

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "cms/blocks/key_figures.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo address."))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(label=_("Link text"), required=False, max_length=150)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document.html"


class BaseStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="cms/blocks/paragraph.html",
    )
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    key_figures = KeyFiguresBlock()
    video = VideoBlock()
    document = DocumentLinkBlock()

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        for index, child in enumerate(value):
            source = json.dumps(child.block.get_prep_value(child.value), ensure_ascii=False)
            if contains_case_reference(source):
                errors[index] = ValidationError(CASE_REFERENCE_MESSAGE, code="case_reference")
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return value
