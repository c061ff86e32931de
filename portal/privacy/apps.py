from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data protection (UU PDP) and hardening: anonymising closed cases, exporting what is held
    about a child, the append-only guard on the audit log, the Content-Security-Policy, session idle expiry and
    checked uploads."""

    name = "portal.privacy"
    label = "privacy"
    verbose_name = _("Privacy and security")
