from django.urls import path
from django.views.decorators.cache import never_cache

from . import views

app_name = "notifications"
# A notification names a case, an agency, a person: no page of the list is kept by a shared phone's browser or a
# proxy (Cache-Control: no-store, private; issue 19.6). Every pattern is wrapped, so a new view is covered.
urlpatterns = [
    path(route, never_cache(view), name=name)
    for route, view, name in [
        ("", views.notification_list, "list"),
        ("settings/", views.preferences, "preferences"),
        ("settings/verify-email/", views.email_verify_send, "email_verify_send"),
        ("settings/verify-email/<str:token>/", views.email_verify, "email_verify"),
        ("settings/phone/", views.phone_set, "phone"),
        ("settings/phone/verify/", views.phone_verify_view, "phone_verify"),
        ("settings/devices/<int:pk>/remove/", views.push_remove, "push_remove"),
        ("read-all/", views.notification_read_all, "read_all"),
        ("<int:pk>/", views.notification_open, "open"),
        ("<int:pk>/read/", views.notification_read, "read"),
    ]
]
