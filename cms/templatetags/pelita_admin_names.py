"""The names Pelita gives to what it adds to Wagtail (the story workflow and its moderation task, cms/services.py)
in the reader's language: Wagtail's workflow e-mails print `workflow.name` and `task.name` as stored, so an
Indonesian moderator read "Story review" in an Indonesian e-mail. The e-mail templates of
`cms/templates/wagtailadmin/notifications/` are Wagtail's own with `|admin_name` added after those two names
(tests/cms/test_admin_words.py checks that they differ from Wagtail's in nothing else)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The names as stored (English, cms.services) → the words a reader of either language gets.
NAMES = {
    "Story review": _("Story review"),
    "Moderator approval": _("Moderator approval"),
}


@register.filter
def admin_name(value):
    """A name Pelita made, in the active language (the recipient's, for an e-mail); any other name unchanged."""
    translated = NAMES.get(str(value)) if value is not None else None
    return str(translated) if translated is not None else value
