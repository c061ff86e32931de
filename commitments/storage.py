"""Private file storage for policy documents (until published) and budget evidence: outside MEDIA_ROOT, never
served by URL. Files are read back only through the permission-checked views in views.py."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(
            getattr(settings, "PELITA_PRIVATE_MEDIA_ROOT", None)
            or (settings.VAR_DIR / "private" / "commitments")
        )

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through a permission-checked view.")


private_storage = PrivateStorage()
