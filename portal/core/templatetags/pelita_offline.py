"""`{% offline_assets %}`: the device's person hash and the offline script (portal/core/offline.py)."""

import json

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from portal.core.offline import page_strings, user_hash

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_assets(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        # Nobody: no script (the public site stays as light as it was); what the device kept stays until the
        # next person logs in (then compared) or the same one logs out.
        return format_html('<meta name="pelita-user" content="">')
    return format_html(
        '<meta name="pelita-user" content="{}" data-strings="{}"><script type="module" async src="{}"></script>',
        user_hash(user),
        json.dumps(page_strings()),
        static("core/offline.js"),
    )
