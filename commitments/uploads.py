"""Checks of the files people upload to commitments: judged by content, not name (portal.privacy.uploads), and
limited in size."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.core.errors import InvalidInput
from portal.privacy.uploads import content_matches_extension

EVIDENCE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "xlsx", "docx")


def _extension(upload) -> str:
    name = upload.name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _too_big(upload, field):
    limit = settings.PELITA_DOCUMENT_MAX_UPLOAD_SIZE
    if upload.size > limit:
        msg = _("This file is %(size)s; documents may be at most %(limit)s.") % {
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(limit),
        }
        raise InvalidInput(msg, errors={field: [msg]})


def _matches(upload, ext: str) -> bool:
    if ext in ("jpg", "jpeg", "png"):
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        return head.startswith(b"\xff\xd8\xff") if ext != "png" else head == b"\x89PNG\r\n\x1a\n"
    return content_matches_extension(upload, ext)


def check_policy_document(upload) -> None:
    """A policy's document is a PDF (checked by content) of at most PELITA_DOCUMENT_MAX_UPLOAD_SIZE."""
    _too_big(upload, "document")
    if _extension(upload) != "pdf" or not _matches(upload, "pdf"):
        msg = _("The document must be a PDF file. Scan or save the signed regulation as PDF and upload it.")
        raise InvalidInput(msg, errors={"document": [msg]})


def check_evidence_upload(upload) -> None:
    _too_big(upload, "file")
    ext = _extension(upload)
    if ext not in EVIDENCE_EXTENSIONS or not _matches(upload, ext):
        msg = _(
            "Evidence must be a PDF, JPEG or PNG photo, XLSX or DOCX file whose content matches its name."
        )
        raise InvalidInput(msg, errors={"file": [msg]})


def validation_error(exc: InvalidInput) -> forms.ValidationError:
    return forms.ValidationError(str(exc.message))
