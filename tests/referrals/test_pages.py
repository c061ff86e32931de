"""Pages: forms that refuse bad input with a clear Indonesian message and keep what was typed, the agency
picker, the inbox filters, the letter, and the English switch."""

import datetime as dt
from pathlib import Path

from referrals.models import ChildCase, Consent, Referral
from referrals.pagecache import touch_agencies

from .conftest import CHILD_NAME, birth, nik_for


def form_data(**over):
    b = birth(8)
    data = {
        "child_name": "Lalu Hamdi Saputra",
        "sex": "M",
        "birth_date": b.isoformat(),
        "nik": nik_for(b, seq=33),
        "area": "52.02.01.2013.02",
        "caregiver_name": "Inaq Mariam",
        "caregiver_relation": "nenek",
        "parent_abroad": "father",
        "destination_country": "Malaysia",
        "needs": ["kip"],
    }
    data.update(over)
    return data


def test_register_form_refuses_and_keeps_what_was_typed(jago, client):
    client.force_login(jago["worker"])
    before = ChildCase.objects.count()
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    r = client.post("/cases/new/", form_data(birth_date=future, nik="12ab"))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Tanggal lahir tidak boleh di masa depan." in html
    assert 'value="Lalu Hamdi Saputra"' in html and 'value="Inaq Mariam"' in html
    r = client.post("/cases/new/", form_data(birth_date="2001-01-01", nik=""))
    assert "usia anak harus di bawah 18 tahun" in r.content.decode()
    r = client.post("/cases/new/", form_data(nik="1234567890"))
    assert "NIK terdiri dari tepat 16 digit." in r.content.decode()
    assert ChildCase.objects.count() == before
    r = client.post("/cases/new/", form_data())
    case = ChildCase.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.code}/"
    assert case.area.code == "52.02.01.2013.02" and case.village.code == "52.02.01.2013"


def test_register_form_offers_only_the_workers_areas(jago, client):
    client.force_login(jago["worker"])
    html = client.get("/cases/new/").content.decode()
    assert "Dusun Jago Timur, Desa Jago" in html and "Sukaraja" not in html
    r = client.post("/cases/new/", form_data(area="52.02.06.2001"))
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    client.force_login(jago["users"]["kader_jago"])
    assert client.get("/cases/new/").status_code == 403


def test_agency_picker_offers_only_agencies_serving_the_area(jago, client):
    from portal.agencies.services import agency_create
    from portal.areas.models import Area

    agency_create(
        name="Dinas Dukcapil Kab. Badung",
        kind="dukcapil",
        area=Area.objects.get(code="51.03"),
        services=[jago["akta"]],
    )
    client.force_login(jago["worker"])
    html = client.get(f"/cases/{jago['case'].code}/referrals/new/?service=akta-kelahiran").content.decode()
    assert "Dinas Dukcapil Kab. Lombok Tengah" in html
    assert "Badung" not in html and "Dinas Sosial" not in html
    assert "ada persetujuan" in html


def test_referral_without_consent_is_refused_on_the_page_and_keeps_the_note(jago, client):
    client.force_login(jago["worker"])
    url = f"/cases/{jago['case'].code}/referrals/new/"
    r = client.post(
        url, {"service": "pkh", "agency": jago["dinsos"].pk, "urgency": "routine", "note": "Catatan saya"}
    )
    html = r.content.decode()
    assert "Belum ada persetujuan untuk membagikan kasus ini kepada Dinas Sosial" in html
    assert "Catatan saya" in html
    assert not Referral.objects.exists()


def test_consent_record_and_withdraw_pages(jago, client):
    client.force_login(jago["worker"])
    code = jago["case"].code
    r = client.post(
        f"/cases/{code}/consents/new/",
        {"given_by": "Inaq Rumenah", "relation": "nenek", "given_on": "", "agencies": []},
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    r = client.post(
        f"/cases/{code}/consents/new/",
        {
            "given_by": "Inaq Rumenah",
            "relation": "nenek",
            "given_on": dt.date.today().isoformat(),
            "agencies": [jago["dinsos"].pk],
        },
    )
    assert r.status_code == 302
    consent = Consent.objects.latest("pk")
    r = client.post(
        f"/cases/{code}/consents/{consent.pk}/withdraw/", {"note": "Berubah pikiran"}, follow=True
    )
    assert "Persetujuan telah ditarik" in r.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at and consent.withdrawal_note == "Berubah pikiran"


def test_referral_page_buttons_and_refusals(sent, client):
    r = sent["referral"]
    liaison = sent["users"]["dukcapil_loteng_1"]
    client.force_login(sent["worker"])
    html = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert 'value="withdraw"' in html and 'value="accept"' not in html
    client.force_login(liaison)
    html = client.get(f"/cases/referrals/{r.pk}/").content.decode()
    assert 'value="accept"' in html and 'value="decline"' in html and 'value="withdraw"' not in html
    # Declining without a reason: 422, the message, and the form again.
    resp = client.post(f"/cases/referrals/{r.pk}/act/", {"action": "decline", "note": ""})
    assert resp.status_code == 422 and "Tuliskan alasannya." in resp.content.decode()
    # The case team pressing an agency's button (a forged form): 403.
    client.force_login(sent["worker"])
    assert client.post(f"/cases/referrals/{r.pk}/act/", {"action": "accept"}).status_code == 403
    assert Referral.objects.get(pk=r.pk).status == "sent"


def test_message_keeps_text_on_error(sent, client):
    client.force_login(sent["worker"])
    r = client.post(f"/cases/referrals/{sent['referral'].pk}/messages/", {"body": "   "})
    assert r.status_code == 422


def test_inbox_filters(sent, client):
    client.force_login(sent["users"]["dukcapil_loteng_2"])
    code = sent["case"].code
    assert code in client.get("/cases/inbox/").content.decode()
    assert code not in client.get("/cases/inbox/?tab=accepted").content.decode()
    assert code not in client.get("/cases/inbox/?tab=overdue").content.decode()
    assert code in client.get("/cases/inbox/?tab=all&service=akta-kelahiran&status=sent").content.decode()
    assert code not in client.get("/cases/inbox/?tab=all&service=kia").content.decode()
    Referral.objects.filter(pk=sent["referral"].pk).update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    # A bulk update sends no signal: bump the agency's inbox as a write of the services would (the cached inbox,
    # referrals/pagecache.py; time passing on its own: tests/referrals/test_inbox_pagecache.py).
    touch_agencies([sent["dukcapil"].pk])
    assert code in client.get("/cases/inbox/?tab=overdue").content.decode()
    # Not a liaison: no inbox.
    client.force_login(sent["worker"])
    assert client.get("/cases/inbox/").status_code == 404


def test_letter_has_a_print_stylesheet(sent, client):
    from django.contrib.staticfiles import finders

    client.force_login(sent["worker"])
    html = client.get(f"/cases/referrals/{sent['referral'].pk}/letter/").content.decode()
    assert CHILD_NAME in html and "referrals/referrals.css" in html and "Surat rujukan" in html
    css = Path(finders.find("referrals/referrals.css")).read_text()
    assert "@media print" in css


def test_english_switch(sent, client):
    client.force_login(sent["worker"])
    client.cookies["pelita_language"] = "en"
    html = client.get(f"/cases/referrals/{sent['referral'].pk}/").content.decode()
    assert "Private thread" in html and "Withdraw" in html


def test_case_code_visible_to(sent):
    from referrals.selectors import case_code_visible_to

    code = sent["case"].code
    users = sent["users"]
    for name, expected in {
        "pendamping_jago": True,
        "fasilitator_jago": True,
        "fasilitator_praya": True,
        "koordinator_ntb": True,
        "kader_jago": False,
        "dukcapil_loteng_1": False,
        "pendamping_sukaraja": False,
    }.items():
        assert case_code_visible_to(user=users[name], code=code) is expected, name
    assert case_code_visible_to(user=users["pendamping_jago"], code=code.lower()) is True
    assert case_code_visible_to(user=users["pendamping_jago"], code="APM-5202-99999") is False


def test_demo_is_idempotent_and_its_pages_render(demo_full, client):
    from portal.core.demo import seed_all

    counts = (ChildCase.objects.count(), Referral.objects.count())
    seed_all()
    assert (ChildCase.objects.count(), Referral.objects.count()) == counts == (4, 3)
    assert Referral.objects.filter(overdue_raised_at__isnull=False).count() == 1
    rizki = ChildCase.objects.get(child_name="Lalu Muhammad Rizki")
    ref = rizki.referrals.get()
    assert ref.agency.name == "Dinas Dukcapil Kab. Lombok Tengah" and ref.status == "sent"
    client.force_login(demo_full["users"]["pendamping_jago"])
    for url in (
        "/cases/",
        "/cases/new/",
        f"/cases/{rizki.code}/",
        f"/cases/{rizki.code}/audit/",
        f"/cases/{rizki.code}/consents/new/",
        f"/cases/{rizki.code}/referrals/new/?service=kia",
        f"/cases/referrals/{ref.pk}/",
        f"/cases/referrals/{ref.pk}/letter/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(demo_full["users"]["dukcapil_loteng_1"])
    assert rizki.code in client.get("/cases/inbox/").content.decode()


def test_team_changes_needs_and_overseer_sees_overdue(sent, client):
    code = sent["case"].code
    client.force_login(sent["worker"])
    r = client.post(f"/cases/{code}/needs/", {"needs": ["kia", "kip"]}, follow=True)
    assert "Kebutuhan disimpan." in r.content.decode()
    assert sorted(sent["case"].needs.values_list("slug", flat=True)) == ["kia", "kip"]
    client.force_login(sent["users"]["fasilitator_praya"])
    assert client.post(f"/cases/{code}/needs/", {"needs": []}).status_code == 403
    Referral.objects.filter(pk=sent["referral"].pk).update(due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    html = client.get(f"/cases/{code}/").content.decode()
    assert "Terlambat" in html and "Belum punya KIA" in html and CHILD_NAME not in html


def test_form_pages_show_no_hidden_field_labels_and_no_colons(jago, client):
    """Seen in the journey screenshots at 360 px: the consent form showed the hidden one-time token's label
    ("Once token:"), and labels ended in Django's colon beside legends without one."""
    import re

    client.force_login(jago["worker"])
    code = jago["case"].code
    for url in (f"/cases/{code}/consents/new/", "/cases/new/", f"/cases/{code}/referrals/new/?service=kip"):
        html = client.get(url).content.decode()
        assert "Once token" not in html and "once_token_" not in html, url
        assert html.count('name="once_token"') <= 1, url
        assert not re.search(r":</label>", html), (url, re.findall(r"<label[^>]*>[^<]*:</label>", html))
    html = client.get(f"/cases/{code}/consents/new/").content.decode()
    assert '<label for="id_given_by">Persetujuan diberikan oleh</label>' in html
