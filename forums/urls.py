from django.urls import path

from . import views
from .meetings.urls import urlpatterns as meeting_urlpatterns

app_name = "forums"
urlpatterns = [
    path("", views.my_forums, name="my_forums"),
    path("search/", views.search, name="search"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/flags/<int:pk>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("people/<str:username>/", views.person, name="person"),
    path("f/<str:code>/", views.forum_detail, name="forum"),
    path("f/<str:code>/new/", views.thread_new, name="thread_new"),
    path("f/<str:code>/read/", views.forum_mark_read, name="forum_mark_read"),
    path("f/<str:code>/members/", views.members, name="members"),
    path("f/<str:code>/people/", views.people, name="people"),
    path("f/<str:code>/link-case/", views.forum_link_case, name="link_case"),
    path("t/<int:pk>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/unread/", views.thread_unread, name="thread_unread"),
    path("t/<int:pk>/p/<int:number>/", views.post_goto, name="post_goto"),
    path("t/<int:pk>/reply/", views.thread_reply, name="reply"),
    path("t/<int:pk>/watch/", views.thread_watch, name="watch"),
    path("t/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("t/<int:pk>/escalate/", views.thread_escalate, name="escalate"),
    path("t/<int:pk>/move/", views.thread_move, name="move"),
    path("t/<int:pk>/case/", views.thread_case, name="thread_case"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:pk>/flag/", views.post_flag, name="post_flag"),
    path("p/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("p/<int:pk>/unhide/", views.post_unhide, name="post_unhide"),
]
urlpatterns += meeting_urlpatterns  # meetings, action items, proposals, calendars (forums/meetings/)
