"""Journey 3 in Chromium at 360 px, with and without JavaScript: a PKH referral to Dinas Sosial passes its
response deadline; sweep_overdue raises it; the Kec. Praya facilitator is notified and finds the case, by its code
only, in the Kecamatan Praya forum's "needs attention" list; the case page shows them the code, desa, needs and
statuses, not the child. Each step checks what the person sees, that nothing scrolls sideways, and keeps a
screenshot (test-artifacts/journey3-*-{js,nojs}.png)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.phone import JS, login, open_menu_link, phone, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Baiq Nurul Hidayah"


def _overdue_pkh_referral(demo):
    from portal.agencies.models import Service
    from portal.core.workdays import WITA, response_deadline
    from referrals.models import Referral
    from referrals.services import case_register, consent_record, referral_create

    worker = demo["users"]["pendamping_jago"]
    dinsos = demo["agencies"]["Dinas Sosial Kab. Lombok Tengah"]
    case = case_register(
        actor=worker,
        area=demo["hamlets"]["52.02.01.2013"][1],
        child_name=CHILD,
        sex="F",
        birth_date=dt.date(dt.date.today().year - 10, 8, 2),
        caregiver_name="Amaq Juhri",
        caregiver_relation="kakek",
        parent_abroad="both",
        destination_country="Arab Saudi",
        needs=list(Service.objects.filter(slug__in=["pkh"])),
    )
    consent_record(actor=worker, code=case.code, given_by="Amaq Juhri", relation="kakek", agencies=[dinsos])
    referral = referral_create(
        actor=worker, code=case.code, agency=dinsos, service=Service.objects.get(slug="pkh"), note="Belum PKH"
    )
    # Sent two weeks ago: three working days have long passed.
    sent_at = dt.datetime.now(WITA) - dt.timedelta(days=14)
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=sent_at, due_at=response_deadline(sent_at, working_days=3)
    )
    return case


@pytest.mark.parametrize(**JS)
def test_journey3_sweep_raises_to_the_kecamatan_forum(
    asgi_server, demo, browser, artifacts_dir, monkeypatch, js
):
    from portal.areas.models import Area
    from referrals.selectors import needs_attention_for_area

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = asgi_server
    case = _overdue_pkh_referral(demo)
    call_command("sweep_overdue", stdout=StringIO())
    call_command("sweep_overdue", stdout=StringIO())  # idempotent: raised once

    items = needs_attention_for_area(area=Area.objects.get(code="52.02.01"))
    assert [(i["code"], i["agency"]) for i in items] == [(case.code, "Dinas Sosial Kab. Lombok Tengah")]
    assert items[0]["days_overdue"] >= 5

    context = phone(browser, js)
    page = context.new_page()

    def shot(name):
        step(page, artifacts_dir, "journey3", name, js)

    login(page, base, "fasilitator_praya")
    shot("1-home")

    # The notification names the case by its code, once; the bell leads to it.
    page.locator("#notif-bell").click()
    page.wait_for_url(f"{base}/notifications/")
    notes = page.locator("main")
    expect(notes).to_contain_text(f"Rujukan {case.code}")
    assert notes.inner_text().count(case.code) == 1
    assert CHILD not in notes.inner_text()
    shot("2-notifications")

    # The Kecamatan Praya forum's needs-attention list.
    open_menu_link(page, "Forum saya")
    page.get_by_role("link", name="Forum Kec. Praya").click()
    page.wait_for_url(f"{base}/forums/f/52.02.01/")
    attention = page.locator("section.attention")
    expect(attention).to_contain_text(case.code)
    expect(attention).to_contain_text("Dinas Sosial Kab. Lombok Tengah")
    assert CHILD not in page.content()
    shot("3-needs-attention")
    attention.get_by_role("link", name=case.code).click()
    page.wait_for_url(f"{base}/cases/{case.code}/")
    main = page.locator("main")
    expect(main).to_contain_text(f"Kasus {case.code}")
    expect(main).to_contain_text("Terkirim")
    expect(main).to_contain_text("Desa Jago")
    assert CHILD not in page.content() and "Amaq Juhri" not in page.content()
    shot("4-case-for-facilitator")
    context.close()
