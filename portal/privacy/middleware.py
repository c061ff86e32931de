"""Security middleware: the Content-Security-Policy (relaxed for the Wagtail admin only) and session idle expiry."""

import time

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import logout

# The Wagtail admin still renders a few inline <script> blocks (inline panels, date widgets) and style
# attributes, so under /admin/ scripts and styles may be inline. Only editors, moderators and coordinators
# use it, and it never shows case data. Everywhere else: no inline script, no inline style.
ADMIN_RELAXATIONS = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],  # the admin previews pages in an iframe of its own
}


class PelitaCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(settings.PELITA_ADMIN_CSP_PREFIX):
            return PolicyParts(
                parts.config, parts.update, {**ADMIN_RELAXATIONS, **(parts.replace or {})}, parts.nonce
            )
        return parts


class SessionIdleMiddleware:
    """A session lives SESSION_COOKIE_AGE after its last use (the expiry is pushed forward at most once an hour,
    so reading pages does not write the session table on every request) and never longer than
    PELITA_SESSION_MAX_AGE after login."""

    TOUCH_EVERY = 60 * 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("_pelita_started", now)
            if now - started > settings.PELITA_SESSION_MAX_AGE:
                logout(request)
            elif now - session.get("_pelita_touched", 0) > self.TOUCH_EVERY:
                session["_pelita_touched"] = now  # marks the session modified: the cookie and row are renewed
        return self.get_response(request)
