"""Prepare the reliability run's database (called by load.py with DATABASE_URL set): migrate, load the test
area subset, seed the demo, and create the load's people: cadres of Desa Jago, case workers there and extra
Dukcapil liaisons, plus a few threads to reply in. Idempotent. Prints the usernames and thread ids as JSON."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main(cadres: int, workers: int, liaisons: int) -> dict:
    call_command("migrate", verbosity=0, interactive=False)
    from portal.agencies.catalogue import services_sync
    from portal.areas.models import Area
    from portal.areas.services import areas_load

    if not Area.objects.filter(code="52.02.01.2013").exists():
        areas_load(data_dir=ROOT / "tests" / "data" / "areas", force=True)
    services_sync()
    call_command("seed_demo", verbosity=0)

    from django.contrib.auth import get_user_model

    from forums.models import Thread
    from forums.selectors import forum_get
    from forums.services import thread_create
    from portal.agencies.models import Agency
    from portal.agencies.services import agency_liaison_add
    from portal.people.models import Membership
    from portal.people.services import membership_add

    User = get_user_model()
    password = os.environ["PELITA_DEMO_PASSWORD"]
    jago = Area.objects.get(code="52.02.01.2013")
    dukcapil = Agency.objects.get(name="Dinas Dukcapil Kab. Lombok Tengah")

    def person(username):
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": username})
        if created:
            user.set_password(password)
            user.save()
        return user

    names = {"cadres": [], "workers": [], "liaisons": []}
    for i in range(cadres):
        user = person(f"load_kader_{i:02d}")
        if not Membership.objects.filter(user=user, area=jago).exists():
            membership_add(user=user, area=jago, role="anggota")
        names["cadres"].append(user.username)
    for i in range(workers):
        user = person(f"load_pendamping_{i:02d}")
        if not Membership.objects.filter(user=user, area=jago).exists():
            membership_add(user=user, area=jago, role="pendamping")
        names["workers"].append(user.username)
    for i in range(liaisons):
        user = person(f"load_dukcapil_{i:02d}")
        if not user.groups.filter(pk=dukcapil.group_id).exists():
            agency_liaison_add(agency=dukcapil, user=user)
        names["liaisons"].append(user.username)
    kader = User.objects.get(username="kader_jago")
    forum = forum_get(user=kader, code=jago.code)
    threads = []
    for i in range(5):
        title = f"Koordinasi beban uji {i + 1}"
        thread = Thread.objects.filter(forum=forum, title=title).first() or thread_create(
            forum=forum, author=kader, title=title, body="Utas untuk uji beban."
        )
        threads.append(thread.pk)
    names["threads"] = threads
    # API tokens issued here, so the run measures the load and not 55 password hashings at its start.
    from portal.people.services import token_issue

    names["tokens"] = {
        u: token_issue(user=User.objects.get(username=u))[0]
        for u in names["cadres"] + names["workers"] + names["liaisons"]
    }
    names["dukcapil"] = dukcapil.pk
    return names


if __name__ == "__main__":
    cadres, workers, liaisons = (int(x) for x in sys.argv[1:4])
    print(json.dumps(main(cadres, workers, liaisons)))
