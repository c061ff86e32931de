from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.documents import urls as wagtaildocs_urls

from portal.api import api
from portal.core import offline, serviceworker
from portal.core import views as core_views
from portal.people import views as people_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("sw.js", serviceworker.service_worker, name="service_worker"),
    path("manifest.webmanifest", serviceworker.manifest, name="web_manifest"),
    path("offline/", offline.offline_page, name="offline"),
    path("api/v1/", api.urls),
    path("accounts/", include("portal.people.urls")),
    path("language/", core_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("home/", core_views.home, name="home"),
    path("areas/", include("portal.areas.urls")),
    path("forums/", include("forums.urls")),
    path("cases/", include("referrals.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("commitments/", include("commitments.urls")),
    # Wagtail's deliberate-error page ("failwhale") is switched off: every admin user could raise a 500 with it.
    path("admin/failwhale/", core_views.not_found, name="wagtailadmin_error_test_off"),
    # Wagtail's own password reset, throttled like Pelita's (issue 19.5; a second door to the same e-mails).
    path(
        "admin/password_reset/",
        people_views.ThrottledAdminPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",  # the same name and path as Wagtail's own
    ),
    # The site history report lists every log entry of every model the person has a permission on, with no
    # area scope: a provincial coordinator read the roles, agencies and dusun of other provinces there. The
    # viewsets' own history views are scoped (portal/core/backoffice.py); the site-wide report is superusers'.
    path(
        "admin/reports/site-history/",
        core_views.superusers_only(LogEntriesView.as_view()),
        name="wagtailadmin_site_history_superusers",
    ),
    path(
        "admin/reports/site-history/results/",
        core_views.superusers_only(LogEntriesView.as_view(results_only=True)),
        name="wagtailadmin_site_history_results_superusers",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Media (issue 19.7): uploads are never served as plain files, in development or production. Documents only
    # through Wagtail's serve view above; under MEDIA_URL only renditions the visitor may see (cms/media.py).
    path(settings.MEDIA_URL.lstrip("/"), include("cms.media_urls")),
    path("", include("cms.urls")),
]

# The public site (Wagtail pages): Bahasa Indonesia at /, English under /en/.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)

# Friendly error pages in the person's language that reveal nothing (portal/core/errors_views.py).
handler400 = "portal.core.errors_views.bad_request"
handler403 = "portal.core.errors_views.permission_denied"
handler404 = "portal.core.errors_views.page_not_found"
handler500 = "portal.core.errors_views.server_error"
