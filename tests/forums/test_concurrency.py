"""Concurrent writers through real connections (one per thread): post numbers are handed out one at a time and
SQLite never answers "database is locked" (WAL, IMMEDIATE transactions, busy timeout; PostgreSQL: row lock)."""

import threading

import pytest
from django.db import connection

from forums import selectors, services
from forums.models import Post
from tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_replies_and_read_markers(demo):
    dusun = demo["hamlets"]["52.02.01.2013"][0]
    forum = services.forum_ensure(area=dusun)
    people = [make_member(dusun) for _ in range(6)]
    thread = services.thread_create(forum=forum, author=people[0], title="Balapan balasan", body="mulai")
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(people))

    def work(person):
        try:
            barrier.wait()
            for i in range(5):
                services.post_create(thread=thread, author=person, body=f"balasan {i} dari {person.username}")
                fresh = selectors.thread_get(user=person, pk=thread.pk)
                state = selectors.thread_state(user=person, thread=fresh)
                services.thread_mark_read(user=person, thread=fresh, upto=fresh.last_post_number, state=state)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(p,)) for p in people]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    numbers = sorted(Post.objects.filter(thread=thread).values_list("number", flat=True))
    assert numbers == list(range(1, 1 + 1 + 6 * 5))
    thread.refresh_from_db()
    assert thread.posts_count == 31 and thread.last_post_number == 31
