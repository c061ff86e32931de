"""Query counts: the agency inbox and the referral page cost a fixed number of queries, however many referrals,
events and messages there are."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.agencies.models import Service
from referrals.services import (
    case_register,
    consent_record,
    referral_create,
    referral_message_post,
    referral_transition,
)

from .conftest import birth


def make_cases(jago, n):
    worker = jago["worker"]
    services = list(Service.objects.filter(slug__in=["akta-kelahiran", "kia"]))
    made = []
    for i in range(n):
        case = case_register(
            actor=worker,
            area=jago["hamlets"]["52.02.01.2013"][i % 3],
            child_name=f"Anak Uji {i}",
            sex="F",
            birth_date=birth(3 + i % 10),
            caregiver_name="Inaq Uji",
            caregiver_relation="nenek",
            parent_abroad="mother",
            destination_country="Malaysia",
        )
        consent_record(
            actor=worker, code=case.code, given_by="Inaq Uji", relation="nenek", agencies=[jago["dukcapil"]]
        )
        for service in services:
            made.append(
                referral_create(actor=worker, code=case.code, agency=jago["dukcapil"], service=service)
            )
    return made


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


def _miss(client, url, *, facts=False):
    """The page's queries when it is not in the page cache (`facts`: nor its tab counts and kecamatan list)."""
    from django.core.cache import cache

    if facts:  # as after a write to the agency's referrals
        from referrals.pagecache import touch_agencies

        touch_agencies([client._agency])
    else:
        from portal.core.pagecache import page_key

        cache.delete_many(
            [page_key("inbox", uid, lang, url) for uid in client._uids for lang in ("id", "en")]
        )
    return count(client, url)


def test_inbox_is_constant(jago, client):
    liaison = jago["users"]["dukcapil_loteng_1"]
    client.force_login(liaison)
    client._uids = [liaison.pk]
    client._agency = jago["dukcapil"].pk
    make_cases(jago, 1)
    urls = ["/cases/inbox/", "/cases/inbox/?tab=overdue", "/cases/inbox/?tab=all&service=kia&status=sent"]
    client.get(urls[0])  # warm the per-process caches (content types, session)
    cold = [_miss(client, u, facts=True) for u in urls]
    warm_facts = [_miss(client, u) for u in urls]
    hits = [count(client, u) for u in urls]
    make_cases(jago, 6)
    assert cold == [_miss(client, u, facts=True) for u in urls]
    assert warm_facts == [_miss(client, u) for u in urls]
    assert hits == [count(client, u) for u in urls]
    assert max(cold) <= 10, cold
    # The tab counts and the kecamatan list come from the cache (two queries fewer); a hit is the session,
    # the user and the person's agencies.
    assert [c - 2 for c in cold] == warm_facts, (cold, warm_facts)
    assert hits == [3, 3, 3], hits


def test_referral_page_is_constant(jago, client):
    liaison = jago["users"]["dukcapil_loteng_1"]
    r = make_cases(jago, 1)[0]
    client.force_login(liaison)
    url = f"/cases/referrals/{r.pk}/"
    referral_message_post(actor=liaison, referral_id=r.pk, body="satu")
    client.get(url)  # warm the per-process caches
    few = count(client, url)
    referral_transition(actor=liaison, referral_id=r.pk, action="accept")
    for i in range(8):
        referral_message_post(actor=liaison if i % 2 else jago["worker"], referral_id=r.pk, body=f"pesan {i}")
    many = count(client, url)
    assert few == many
    assert many <= 20, many
    # The team's view of the same page too.
    client.force_login(jago["worker"])
    assert count(client, url) <= 20
