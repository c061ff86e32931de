"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PELITA_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    # Pelita platform
    "portal.core",
    "portal.people",
    "portal.areas",
    "portal.agencies",
    "portal.audit",
    "portal.notifications",
    "dashboard",
    "portal.privacy",
    # Pelita product
    "forums",
    "referrals",
    "cms",
    "commitments",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django and friends
    "daphne",
    "channels",
    "guardian",
    "ninja",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.LanguageMiddleware",
    # Hostile input stops here: oversized bodies (413), control characters, 64-bit overflows, bad JSON.
    "portal.core.inputguard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.core.middleware.PelitaErrorMiddleware",
    "portal.privacy.middleware.SessionIdleMiddleware",
    "portal.privacy.middleware.PelitaCSPMiddleware",
    # A repeated submit (Idempotency-Key, a form's one-time token) gets the first answer: after CSRF and auth.
    "portal.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.core.context_processors.navigation",
            ],
        },
    },
]

# Plain widgets (inputs, selects, text areas) rendered in Python, the same HTML as Django's widget templates
# (issue 17: one template per widget and per option was a large share of the hot pages' CPU).
FORM_RENDERER = "portal.core.formrender.FastRenderer"

# Database: a SQLite file in the clone unless DATABASE_URL names another.
# SQLite, however it is named (the default file or `DATABASE_URL=sqlite:///path`), gets the options that let
# readers and writers work at once: WAL, a busy timeout, and write transactions that take the lock up front so
# two writers never deadlock on an upgrade from a read lock (issue 18.6: without them two liaisons accepting
# at once got one 200 and one 500 "database is locked").
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def sqlite_configured(database: dict) -> dict:
    """The database settings with SQLITE_OPTIONS added when the engine is SQLite (options given in the URL
    win)."""
    if database.get("ENGINE", "").endswith("sqlite3"):
        database["OPTIONS"] = {**SQLITE_OPTIONS, **(database.get("OPTIONS") or {})}
    return database


DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DATABASES["default"] = sqlite_configured(DATABASES["default"])
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer and cache: in memory unless REDIS_URL names a Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Pub/sub layer: lower tail latency and no lost messages at 1,000 sockets (docs/PERFORMANCE.md,
    # "Notifications"). PELITA_CHANNEL_LAYER=core selects channels_redis's list-based RedisChannelLayer (only
    # for comparing in bench/notify_latency.py). A dead Redis fails fast (connect time-out) so an action that
    # notifies is never held up for long; the push is logged and the notification is read from the database.
    _layer_host = {
        "address": REDIS_URL,
        "socket_connect_timeout": float(os.environ.get("PELITA_CHANNEL_CONNECT_TIMEOUT", 2)),
        "max_connections": int(os.environ.get("PELITA_CHANNEL_MAX_CONNECTIONS", 200)),
    }
    if os.environ.get("PELITA_CHANNEL_LAYER", "pubsub") == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [_layer_host],
                    "prefix": os.environ.get("PELITA_CHANNEL_PREFIX", "pelita"),
                    "capacity": 1000,
                    "expiry": 30,
                },
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {
                    "hosts": [_layer_host],
                    "prefix": os.environ.get("PELITA_CHANNEL_PREFIX", "pelita"),
                },
            }
        }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("PELITA_CACHE_PREFIX", "pelita"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pelita"}}

# The per-viewer page cache of the hot pages (portal/core/pagecache.py; docs/PERFORMANCE.md, "Forums: hot pages").
# PELITA_PAGE_CACHE=0 switches it off; PELITA_PAGE_CACHE_SECONDS=0 keeps it on but never keeps a page, so every
# view is a miss (`make bench` measures misses that way).
PELITA_PAGE_CACHE = os.environ.get("PELITA_PAGE_CACHE", "1") not in ("0", "false", "no", "off")
PELITA_PAGE_CACHE_SECONDS = int(os.environ.get("PELITA_PAGE_CACHE_SECONDS", "300"))

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "/"
# Sessions (docs/SECURITY.md): a session ends after 14 days without use (the expiry slides, refreshed at most
# once an hour by portal.privacy.middleware.SessionIdleMiddleware) and at the latest 30 days after login.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PELITA_SESSION_MAX_AGE = 60 * 60 * 24 * 30
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"

# Browser protections in every environment (production adds HSTS, secure cookies and the HTTPS redirect).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): no inline script, no inline style, nothing from another origin except
# the video players a story may embed. The Wagtail admin (/admin/) gets a relaxed policy, see
# portal.privacy.middleware.PelitaCSPMiddleware and docs/SECURITY.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": [
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PELITA_ADMIN_CSP_PREFIX = "/admin/"

# django-guardian: no anonymous user object; anonymous people have no object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Language and time: Bahasa Indonesia first, WITA.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "pelita_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Request bodies (portal.core.inputguard): over these, 413 before anything reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # a page's form
PELITA_API_MAX_BODY = 1024 * 1024  # a JSON body of the API
PELITA_UPLOAD_MAX_BODY = 12 * 1024 * 1024  # a multipart upload (documents are at most 10 MB)

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pelita <noreply@pelita.local>")

# Wagtail
WAGTAIL_SITE_NAME = "Pelita"
# The address Pelita is served at, for links outside a request (e-mails, the admin) and the demo's default Site
# (`make run` serves on 127.0.0.1:$PORT). Production sets it (docs/DEPLOY.md).
PELITA_BASE_URL = os.environ.get("PELITA_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
WAGTAILADMIN_BASE_URL = PELITA_BASE_URL
# The admin's own login page counts failed attempts like Pelita's login page.
WAGTAILADMIN_USER_LOGIN_FORM = "portal.people.views.ThrottledAdminLoginForm"
# Wagtail 8 search runs on `modelsearch`; the database backend picks PostgreSQL full text on PostgreSQL (FTS5 on
# SQLite). Stories are in Bahasa Indonesia and English in one index: the "simple" text search configuration
# (no stemming) treats both languages alike, where PostgreSQL's default would stem Indonesian as English.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # Wagtail's database backend, with typed queries passed as plain terms (portal/core/search.py).
        "BACKEND": "portal.core.search",
        "SEARCH_CONFIG": "simple",
        "AUTO_UPDATE": True,
    }
}
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "txt", "csv"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Uploaded documents are checked by their content, not their name, and limited in size (portal.privacy.uploads).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.privacy.uploads.SafeDocumentForm"
PELITA_DOCUMENT_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Media (issue 19.7): documents only through Wagtail's serve view, which applies the collection's privacy (never a
# redirect to, or a link into, /media/documents/). Images' renditions through cms/media.py; originals never.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Commitments' policy documents (until published) and budget evidence: outside MEDIA_ROOT, served only through
# permission-checked views (commitments/storage.py). Budget imports are limited in size (commitments/imports.py).
PELITA_PRIVATE_MEDIA_ROOT = Path(os.environ.get("PELITA_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
PELITA_COMMITMENTS_IMPORT_MAX_BYTES = 2 * 1024 * 1024

# Background work: Django's task framework backport, run inline unless configured otherwise (production: the
# database backend and its worker, `manage.py db_worker`, started by `make serve`).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Notification channels (portal/notifications/channels): each a backend; console ones keep everything on a
# developer's machine. Production overrides them from the environment (docs/DEPLOY.md).
PELITA_NOTIFY_CHANNELS = {
    "email": {"BACKEND": "portal.notifications.channels.email.EmailChannel"},
    "sms": {"BACKEND": "portal.notifications.channels.phone.ConsolePhoneChannel"},
    "whatsapp": {"BACKEND": "portal.notifications.channels.phone.ConsolePhoneChannel"},
}
# Management commands the notifications scheduler (`manage.py notifications_scheduler`) runs, every N seconds.
# dashboard_summaries: the sweep behind the refresh task each write enqueues (a lost task waits a minute at most).
PELITA_PERIODIC_COMMANDS = {"sweep_overdue": 3600, "dashboard_summaries": 60}

# Pelita
PELITA_API_TOKEN_TTL_DAYS = 30
# Login throttling (portal/people/throttle.py, issue 19.5): free failed attempts per (username, address) and per
# address within the window; past them a delay of BASE seconds, doubling with each failure, at most MAX. Nobody is
# locked out: another person behind the same address, and the owner from elsewhere, log in as usual.
PELITA_LOGIN_ATTEMPTS = 10
PELITA_LOGIN_ADDRESS_ATTEMPTS = 200
PELITA_LOGIN_WINDOW = 60 * 60
PELITA_LOGIN_BASE_DELAY = 30
PELITA_LOGIN_MAX_DELAY = 15 * 60
# Password reset requests per hour, per address and per e-mail address (whether or not an account has it).
PELITA_RESET_PER_ADDRESS = 10
PELITA_RESET_PER_EMAIL = 3
PELITA_DEMO_PASSWORD = os.environ.get("PELITA_DEMO_PASSWORD", "")
PELITA_AREA_DATA_DIR = BASE_DIR / "portal" / "areas" / "data"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "portal.privacy.logging.RedactExceptionMessages"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "pelita": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
PELITA_ENVIRONMENT = "dev"
