"""Meeting pages, mounted in the forums' URLconf (namespace "forums")."""

from django.urls import path

from . import views

urlpatterns = [
    path("f/<str:code>/meetings/", views.forum_meetings, name="meetings"),
    path("f/<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("f/<str:code>/proposals/", views.proposals, name="proposals"),
    path("f/<str:code>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("m/<int:pk>/", views.meeting_detail, name="meeting"),
    path("m/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("m/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("m/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("m/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("m/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("d/<int:pk>/action-items/new/", views.action_item_new, name="action_item_new"),
    path("action-items/", views.action_items, name="action_items"),
    path("action-items/<int:pk>/", views.action_item_detail, name="action_item"),
    path("action-items/<int:pk>/transition/", views.action_item_transition, name="action_item_transition"),
    path("t/<int:pk>/agenda/", views.thread_agenda, name="thread_agenda"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
