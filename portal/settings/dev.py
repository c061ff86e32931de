"""`make run`: how most offices run Pelita, one machine serving its LAN (docs/DEPLOY.md, "make run on a LAN").

Safe by default (issue 19.6): DEBUG off, so a visitor gets the friendly bilingual error pages and the API's
`{"detail"}`, never Django's technical pages (a traceback, the list of URLs); static files through whitenoise
(from the apps, no collectstatic); a secret key of this install kept in PELITA_VAR_DIR/secret_key (mode 0600,
outside git); ALLOWED_HOSTS the names and addresses of this machine (portal.settings.install.lan_hosts) unless
ALLOWED_HOSTS is set. Developers set PELITA_DEBUG=1 for Django's debug pages and reloading static files. The
embedded default database and in-memory layer unless DATABASE_URL / REDIS_URL are set."""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, VAR_DIR
from .install import install_secret_key, lan_hosts

DEBUG = os.environ.get("PELITA_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
SECRET_KEY = SECRET_KEY or install_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = ALLOWED_HOSTS or [*lan_hosts(), *(["testserver"] if DEBUG else [])]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
