"""Signals of the people app, so that products hear of a person's changes without the platform importing them.

`language_changed`: a person chose another language (`user_set_language`), sent after the change is saved.
Arguments: `user` (the person, with the new `language`) and `language`. The public site keeps Wagtail's own
language setting of the person in step with it (cms/languages.py)."""

from django.dispatch import Signal

language_changed = Signal()
