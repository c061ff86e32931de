from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The platform half of personal-data protection (UU PDP) and hardening: the append-only guard on the audit
    log, the Content-Security-Policy, session idle expiry, checked uploads and log redaction. The operations on
    a child's case (closing, anonymising, exporting) belong to the referrals app (referrals/privacy.py)."""

    name = "portal.privacy"
    label = "privacy"
    verbose_name = _("Privacy and security")

    def ready(self):
        from .logging import install_record_factory

        install_record_factory()
