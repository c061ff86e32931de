from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/verify-email/", views.email_verify_send, name="email_verify_send"),
    path("settings/verify-email/<str:token>/", views.email_verify, name="email_verify"),
    path("settings/phone/", views.phone_set, name="phone"),
    path("settings/phone/verify/", views.phone_verify_view, name="phone_verify"),
    path("settings/devices/<int:pk>/remove/", views.push_remove, name="push_remove"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]
