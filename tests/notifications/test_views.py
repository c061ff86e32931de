"""The notifications page and the settings page: they work without JavaScript."""

import pytest

from portal.notifications.models import Delivery, Notification, NotificationPreference, NotificationSettings
from portal.notifications.services import notify
from tests.notifications.conftest import logged_in

pytestmark = pytest.mark.django_db


def make(user, n):
    for i in range(n):
        notify(
            recipients=[user],
            kind="forum.mention",
            params={"actor": "Ben", "thread": f"Utas {i}"},
            # Not a thread's link: a notification about a thread that does not exist (or that the person
            # cannot read) is hidden (portal.notifications.targets, tests/robustness/test_notification_targets.py).
            url=f"/home/?n={i}",
        )
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_list_page_in_indonesian_with_bell_count(people):
    ani = people["ani"]
    make(ani, 2)
    html = logged_in(ani).get("/notifications/").content.decode()
    assert "Ben menyebut Anda di “Utas 1”" in html
    assert "Tandai semua sudah dibaca" in html
    assert 'id="notif-bell"' in html and "data-notif-count>2<" in html
    assert "notifications/live.js" in html and "<script>" not in html


def test_list_is_paginated_and_filters_unread(people):
    ani = people["ani"]
    made = make(ani, 30)
    client = logged_in(ani)
    page1 = client.get("/notifications/").content.decode()
    assert "“Utas 29”" in page1 and "“Utas 4”" not in page1 and "Halaman 1 dari 2" in page1
    page2 = client.get("/notifications/?page=2").content.decode()
    assert "“Utas 4”" in page2
    client.post(f"/notifications/{made[29].pk}/read/", {"next": "/notifications/?unread=1"})
    unread = client.get("/notifications/?unread=1").content.decode()
    assert "“Utas 29”" not in unread and "Belum dibaca (29)" in unread


def test_mark_read_mark_all_and_open(people):
    ani = people["ani"]
    made = make(ani, 3)
    client = logged_in(ani)
    answer = client.post(f"/notifications/{made[0].pk}/read/", {"next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/notifications/"
    assert Notification.objects.get(pk=made[0].pk).read_at is not None
    answer = client.get(f"/notifications/{made[1].pk}/")
    assert answer.status_code == 302 and answer["Location"] == "/home/?n=1"
    assert Notification.objects.get(pk=made[1].pk).read_at is not None
    answer = client.post("/notifications/read-all/", follow=True)
    assert "Semua pemberitahuan sudah ditandai dibaca." in answer.content.decode()
    assert not Notification.objects.filter(recipient=ani, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404_and_anonymous_must_log_in(people):
    theirs = make(people["ben"], 1)[0]
    client = logged_in(people["ani"])
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{theirs.pk}/read/").status_code == 405
    from django.test import Client

    assert Client().get("/notifications/")["Location"].startswith("/accounts/login/")


def test_preferences_page_saves_and_keeps_input_on_error(people):
    ani = people["ani"]
    ani.is_superuser = True  # receives every kind
    ani.save(update_fields=["is_superuser"])
    client = logged_in(ani)
    html = client.get("/notifications/settings/").content.decode()
    assert "Pengaturan pemberitahuan" in html and "Balasan di topik yang saya ikuti" in html
    assert "Hanya di Pelita" in html
    form = {
        "kind__forum__reply": "instant",
        "kind__story__review": "off",
        "unread_email_after": "60",
        "quiet_start": "21:00",
        "quiet_end": "06:00",
    }
    answer = client.post("/notifications/settings/", form, follow=True)
    assert "Pengaturan pemberitahuan Anda sudah disimpan." in answer.content.decode()
    assert NotificationPreference.objects.get(user=ani, kind="forum.reply").delivery == Delivery.INSTANT
    assert NotificationSettings.objects.get(user=ani).unread_email_after == 60
    bad = {**form, "kind__forum__reply": "digest", "kind__story__review": "pigeon"}
    answer = client.post("/notifications/settings/", bad)
    html = answer.content.decode()
    assert answer.status_code == 200 and "errorlist" in html
    assert '<option value="digest" selected>' in html  # what the person chose is kept
    assert NotificationPreference.objects.get(user=ani, kind="forum.reply").delivery == Delivery.INSTANT


def test_bell_costs_no_query_once_cached(
    people, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from django.template import Context, Template
    from django.test import RequestFactory

    from portal.notifications.services import notifications_mark_all_read

    ani = people["ani"]
    make(ani, 3)
    request = RequestFactory().get("/")
    request.user = ani
    template = Template("{% include 'includes/bell.html' %}")
    assert "data-notif-count>3<" in template.render(Context({"request": request, "user": ani}))
    with django_assert_max_num_queries(0):
        template.render(Context({"request": request, "user": ani}))
    with django_capture_on_commit_callbacks(execute=True):  # a change forgets the cached count after commit
        notifications_mark_all_read(user=ani)
    assert "data-notif-count hidden>0<" in template.render(Context({"request": request, "user": ani}))
