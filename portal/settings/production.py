"""Production: refuses to start without a secret key and allowed hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in the environment for production (comma-separated)."
    )

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("PELITA_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = int(os.environ.get("PELITA_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
PELITA_DEMO_PASSWORD = ""
PELITA_ENVIRONMENT = "production"
# Deliveries, reminders and digests run in the database queue's worker (`manage.py db_worker`, beside the web
# workers in `make serve`), so a web request never waits for a provider.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Under ASGI every request runs its sync code in a fresh thread, so persistent connections (CONN_MAX_AGE) are
# never reused and pile up until PostgreSQL refuses clients. A connection pool per worker process
# (psycopg_pool, Django >= 5.1) is the ASGI way; a short timeout makes an outage fail fast (friendly 500 page,
# healthz 503) instead of hanging requests. docs/DEPLOY.md sizes it.
if IS_POSTGRES:  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 2,
        "max_size": int(os.environ.get("PELITA_DB_POOL_SIZE", "12")),
        "timeout": float(os.environ.get("PELITA_DB_POOL_TIMEOUT", "5")),
    }

# Deliveries sent side by side by each worker (threads, PostgreSQL only): a provider's round trip dominates.
PELITA_NOTIFY_CONCURRENCY = int(os.environ.get("PELITA_NOTIFY_CONCURRENCY", "8"))

# Notification channels: e-mail always; SMS and WhatsApp when their provider is configured (docs/DEPLOY.md).
PELITA_NOTIFY_CHANNELS = {"email": {"BACKEND": "portal.notifications.channels.email.EmailChannel"}}
if os.environ.get("PELITA_SMS_GATEWAY_URL"):
    PELITA_NOTIFY_CHANNELS["sms"] = {
        "BACKEND": "portal.notifications.channels.phone.SMSGatewayChannel",
        "OPTIONS": {
            "url": os.environ["PELITA_SMS_GATEWAY_URL"],
            "username": os.environ.get("PELITA_SMS_GATEWAY_USER", ""),
            "password": os.environ.get("PELITA_SMS_GATEWAY_PASSWORD", ""),
        },
    }
elif os.environ.get("PELITA_TWILIO_ACCOUNT_SID"):
    PELITA_NOTIFY_CHANNELS["sms"] = {
        "BACKEND": "portal.notifications.channels.phone.TwilioSMSChannel",
        "OPTIONS": {
            "account_sid": os.environ["PELITA_TWILIO_ACCOUNT_SID"],
            "auth_token": os.environ.get("PELITA_TWILIO_AUTH_TOKEN", ""),
            "from_number": os.environ.get("PELITA_TWILIO_FROM", ""),
            "messaging_service_sid": os.environ.get("PELITA_TWILIO_MESSAGING_SERVICE_SID", ""),
        },
    }
if os.environ.get("PELITA_WHATSAPP_TOKEN"):
    PELITA_NOTIFY_CHANNELS["whatsapp"] = {
        "BACKEND": "portal.notifications.channels.phone.WhatsAppCloudChannel",
        "OPTIONS": {
            "phone_number_id": os.environ.get("PELITA_WHATSAPP_PHONE_NUMBER_ID", ""),
            "token": os.environ["PELITA_WHATSAPP_TOKEN"],
            "template": os.environ.get("PELITA_WHATSAPP_TEMPLATE", "pelita_notification"),
        },
    }
if os.environ.get("PELITA_VAPID_PRIVATE_KEY"):
    PELITA_NOTIFY_CHANNELS["push"] = {
        "BACKEND": "portal.notifications.channels.push.WebPushChannel",
        "OPTIONS": {
            "vapid_private_key": os.environ["PELITA_VAPID_PRIVATE_KEY"],
            "vapid_public_key": os.environ.get("PELITA_VAPID_PUBLIC_KEY", ""),
            "vapid_subject": os.environ.get("PELITA_VAPID_SUBJECT", "mailto:admin@pelita.local"),
        },
    }
