"""Uploaded documents are judged by what they contain, not by their name: a renamed program or web page is
refused, whatever its extension. Images are already checked by content by Wagtail (the format is read from the
file with Willow and must match the extension; WAGTAILIMAGES_MAX_UPLOAD_SIZE limits the size)."""

import zipfile

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

from portal.core.forms import CleanInputMixin

ZIP_MAGIC = b"PK\x03\x04"
# What the start of a text file must not look like: markup a browser would run, or a program.
ACTIVE_MARKERS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head")
PROGRAM_MAGICS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


def _head(upload, size=4096) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _zip_names(upload) -> set[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return False
    lowered = head.lstrip().lower()
    return not lowered.startswith(PROGRAM_MAGICS) and not any(m in lowered[:1024] for m in ACTIVE_MARKERS)


def content_matches_extension(upload, extension: str) -> bool:
    head = _head(upload)
    extension = extension.lower()
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension in ("docx", "xlsx"):
        names = _zip_names(upload) if head.startswith(ZIP_MAGIC) else set()
        part = "word/document.xml" if extension == "docx" else "xl/workbook.xml"
        return "[Content_Types].xml" in names and part in names
    if extension == "odt":
        return (
            head.startswith(ZIP_MAGIC) and head[30:38] == b"mimetype" and b"opendocument.text" in head[38:120]
        )
    if extension in ("txt", "csv"):
        return _is_text(head)
    return False


def validate_document_upload(upload) -> None:
    limit = settings.PELITA_DOCUMENT_MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise forms.ValidationError(
            _("This file is %(size)s; documents may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if not content_matches_extension(upload, extension):
        raise forms.ValidationError(
            _(
                "The content of this file is not a %(extension)s document. Save it again as %(extension)s and upload it."
            )
            % {"extension": extension.upper() or "?"},
            code="file_content_mismatch",
        )


class SafeDocumentForm(CleanInputMixin, BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # A file already stored (editing the title only) is not an upload to check.
        if upload is not None and hasattr(upload, "content_type"):
            validate_document_upload(upload)
        return upload
