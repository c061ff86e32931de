from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("settings/", views.preferences, name="preferences"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]
