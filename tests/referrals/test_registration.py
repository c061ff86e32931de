"""Issue 20, forms that help: the three-field date, the error summary, specific messages, the NIK rule on the
first submit, the registration steps without JavaScript, possible duplicates for the case team only, and the
identity correction (audited with the old value, seen at once by an agency with an open referral)."""

import datetime as dt
import re

import pytest

from portal.audit.models import AuditEntry
from portal.core.dates import DatePartsField
from portal.core.forms import PelitaForm, error_summary
from referrals.models import ChildCase, IdentityCorrection
from referrals.registration import name_similarity, normalise_name

from .conftest import CHILD_NAME, birth, nik_for


class DateForm(PelitaForm):
    day = DatePartsField(label="Tanggal", messages={"required": "Tulis tanggalnya."})


@pytest.mark.parametrize(
    ("data", "value", "error"),
    [
        ({"day_day": "17", "day_month": "5", "day_year": "2019"}, dt.date(2019, 5, 17), None),
        ({"day": "2019-05-17"}, dt.date(2019, 5, 17), None),  # the date posted whole (ISO) still works
        ({}, None, "Tulis tanggalnya."),
        ({"day_day": "17", "day_month": "5", "day_year": ""}, None, "year"),
        ({"day_day": "", "day_month": "5", "day_year": "2019"}, None, "day"),
        ({"day_day": "31", "day_month": "2", "day_year": "2019"}, None, "real date"),
        ({"day_day": "1", "day_month": "2", "day_year": "19"}, None, "4 digits"),
        ({"day_day": "x", "day_month": "\ud800", "day_year": "2019"}, None, "real date"),
        ({"day_day": "1", "day_month": "1", "day_year": "1800"}, None, "1900"),
        ({"day_day": "99999999999999999999", "day_month": "1", "day_year": "2019"}, None, "real date"),
    ],
)
def test_the_three_field_date(data, value, error):
    form = DateForm(data)
    with __import__("django.utils.translation", fromlist=["override"]).override("en"):
        valid = form.is_valid()
        if error is None:
            assert valid and form.cleaned_data["day"] == value
        else:
            assert not valid and error in " ".join(form.errors["day"])


def test_the_date_widget_renders_three_numeric_inputs_not_a_date_picker():
    html = str(DateForm(initial={"day": dt.date(2019, 5, 17)})["day"])
    assert 'type="date"' not in html
    assert html.count('inputmode="numeric"') == 3
    for part, value in (("day", "17"), ("month", "5"), ("year", "2019")):
        assert re.search(
            rf'name="day_{part}"[^>]*value="{value}"|value="{value}"[^>]*name="day_{part}"', html
        )
    assert 'id="id_day_day"' in html and 'id="id_day_year"' in html and 'for="id_day_month"' in html


def test_error_summary_links_each_error_to_its_input():
    form = DateForm({})
    form.is_valid()
    assert error_summary(form) == [("id_day_day", "Tulis tanggalnya.")]


def step_data(**over):
    b = birth(8)
    data = {
        "child_name": "Lalu Hamdi Saputra",
        "sex": "M",
        "birth_date_day": str(b.day),
        "birth_date_month": str(b.month),
        "birth_date_year": str(b.year),
        "nik": nik_for(b, seq=33),
        "area": "52.02.01.2013.02",
        "caregiver_name": "Inaq Mariam",
        "caregiver_relation": "nenek",
        "parent_abroad": "father",
        "destination_country": "Malaysia",
        "needs": ["kip"],
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_every_problem_on_the_first_submit_with_a_summary_that_links_to_each_field(jago, client):
    client.force_login(jago["worker"])
    b = birth(8)
    wrong_nik = nik_for(b, sex="F", seq=1)  # a girl's NIK for a boy
    r = client.post(
        "/cases/new/",
        {
            "step": "needs",
            "register": "1",
            "sex": "M",
            "nik": wrong_nik,
            "birth_date_day": str(b.day),
            "birth_date_month": str(b.month),
            "birth_date_year": "",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and ChildCase.objects.count() == 1
    assert "Ada masalah" in html and 'id="error-summary"' in html and "autofocus" in html
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert 'href="#id_child_name">Tulis nama anak.' in summary
    assert 'href="#id_birth_date_year"' in summary or 'href="#id_birth_date_day"' in summary
    assert "Tanggal lahir harus memuat tahun" in summary
    assert 'href="#id_caregiver_name"' in summary and 'href="#id_parent_abroad_0"' in summary
    assert "Kolom ini harus diisi" not in html
    # Every step shown at once when the register has problems.
    assert " hidden>" not in html.split('id="step-child"')[1][:80]
    # With the whole date, the NIK is checked against it and the sex in the same pass.
    r = client.post(
        "/cases/new/", {**step_data(nik=wrong_nik), "step": "needs", "register": "1", "child_name": ""}
    )
    html = r.content.decode()
    assert "Tulis nama anak." in html and "NIK tidak sesuai dengan jenis kelamin" in html


def test_nik_region_code_must_be_a_real_province(jago, client):
    client.force_login(jago["worker"])
    b = birth(8)
    r = client.post(
        "/cases/new/", {**step_data(nik=nik_for(b, region="990101")), "register": "1", "step": "needs"}
    )
    assert "kode provinsi" in r.content.decode()


@pytest.mark.parametrize(
    ("region", "area", "warned", "where"),
    [
        ("520201", "52.02.01.2013.02", False, ""),  # Kec. Praya, a dusun of Desa Jago (Praya)
        ("520201", "52.02.01.2013", False, ""),  # the desa itself
        (
            "520206",
            "52.02.01.2013.02",
            True,
            "Kec. Praya Timur, Kab. Lombok Tengah",
        ),  # another kecamatan of Lombok Tengah, by name
        ("520199", "52.02.01.2013.02", True, "kecamatan 52.01.99"),  # a kecamatan not loaded: its code
        ("510101", "52.02.01.2013.02", True, "Kec. Negara, Kab. Jembrana, Bali"),  # another province (Bali)
    ],
)
def test_nik_area_warning_compares_the_first_six_digits_with_the_childs_kecamatan(
    jago, region, area, warned, where
):
    from portal.areas.models import Area
    from referrals.services import nik_area_warning

    with __import__("django.utils.translation", fromlist=["override"]).override("id"):
        message = nik_area_warning(nik=nik_for(birth(8), region=region), area=Area.objects.get(code=area))
    assert bool(message) is warned
    if warned:
        assert message.startswith("NIK ini terdaftar di wilayah lain: ") and where in message
    assert nik_area_warning(nik="", area=Area.objects.get(code=area)) == ""


def test_a_nik_of_another_kecamatan_is_a_warning_the_case_worker_confirms_past(jago, client):
    """Not a refusal: the page says where the NIK is from, keeps everything typed, and registers when the case
    worker confirms that NIK (a NIK changed after the warning is checked again); the audit entry says so."""
    client.force_login(jago["worker"])
    other = nik_for(birth(8), region="520206", seq=34)
    data = {**step_data(nik=other), "step": "needs"}
    r = client.post("/cases/new/", {**data, "register": "1"})
    html = r.content.decode()
    assert r.status_code == 200 and ChildCase.objects.count() == 1
    assert 'id="nik-warning"' in html and "NIK ini terdaftar di wilayah lain: " in html
    assert "Ada masalah" not in html  # a warning, not an error
    assert 'value="Lalu Hamdi Saputra"' in html and 'value="Inaq Mariam"' in html
    assert f'name="confirm_nik" value="{other}"' in html
    # The NIK shown in view to correct it: every step visible.
    assert 'id="step-child" data-step="child" hidden' not in html
    # Confirming another NIK than the one warned about does not pass: it is checked again.
    changed = nik_for(birth(8), region="520206", seq=35)
    r = client.post("/cases/new/", {**data, "nik": changed, "confirm_nik": other})
    assert r.status_code == 200 and 'id="nik-warning"' in r.content.decode()
    r = client.post("/cases/new/", {**data, "confirm_nik": other})
    assert r.status_code == 302, r.content.decode()[:3000]
    case = ChildCase.objects.latest("pk")
    assert case.nik == other
    entry = AuditEntry.objects.filter(action="case.register", case_code=case.code).get()
    assert entry.detail.get("nik_other_area") is True and other not in str(entry.detail)


def test_a_confirmed_nik_stays_confirmed_through_the_duplicate_warning(jago, client):
    client.force_login(jago["worker"])
    b = birth()
    other = nik_for(b, region="520206", seq=36)
    data = {
        **step_data(child_name="lalu  zulkarnain", nik=other),
        "birth_date_day": str(b.day),
        "birth_date_month": str(b.month),
        "birth_date_year": str(b.year),
        "area": "52.02.01.2013.01",
        "step": "needs",
    }
    html = client.post("/cases/new/", {**data, "confirm_nik": other}).content.decode()
    assert "Mungkin sudah terdaftar" in html and 'id="nik-warning"' not in html
    assert f'name="nik_confirmed" value="{other}"' in html
    r = client.post("/cases/new/", {**data, "nik_confirmed": other, "confirm_new": "1"})
    assert r.status_code == 302 and ChildCase.objects.count() == 2


def test_steps_without_javascript_keep_every_answer(jago, client):
    client.force_login(jago["worker"])
    html = client.get("/cases/new/").content.decode()
    assert (
        re.search(r'id="step-child"[^>]*>', html)
        and 'id="step-caregiver" data-step="caregiver" hidden' in html
    )
    # Moving on from a step with a problem stays there and names only that step's problems.
    r = client.post("/cases/new/", {"step": "child", "go": "caregiver", "child_name": "Lalu Hamdi"})
    html = r.content.decode()
    assert 'id="step-child" data-step="child" hidden' not in html
    assert "Tulis tanggal lahir anak." in html and "Tulis nama pengasuh" not in html
    # A complete step moves on; what was typed travels in the (hidden) steps.
    data = step_data()
    child_only = {
        k: v for k, v in data.items() if k in ("child_name", "sex", "nik", "area") or k.startswith("birth")
    }
    r = client.post("/cases/new/", {**child_only, "step": "child", "go": "caregiver"})
    html = r.content.decode()
    assert 'id="step-caregiver" data-step="caregiver" hidden' not in html
    assert 'id="step-child" data-step="child" hidden' in html and 'value="Lalu Hamdi Saputra"' in html
    assert "errorlist" not in html
    # Back does not check anything; register on the last step creates the case with every answer.
    r = client.post("/cases/new/", {**data, "step": "caregiver", "go": "child"})
    assert "errorlist" not in r.content.decode()
    r = client.post("/cases/new/", {**data, "step": "needs", "go": "next"})
    case = ChildCase.objects.latest("pk")
    assert r.status_code == 302 and case.child_name == "Lalu Hamdi Saputra" and case.birth_date == birth(8)


def _check(client, data):
    response = client.post("/cases/new/check/", data)
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.mark.parametrize(
    ("step", "go", "over", "ok", "shown", "messages"),
    [
        (
            "child",
            "caregiver",
            {"child_name": "", "birth_date_year": ""},
            False,
            "child",
            ["Tulis nama anak."],
        ),
        ("child", "caregiver", {"sex": "F"}, False, "child", ["NIK tidak sesuai dengan jenis kelamin"]),
        ("child", "caregiver", {}, True, "caregiver", []),
        ("caregiver", "abroad", {"caregiver_name": ""}, False, "caregiver", ["Tulis nama pengasuh"]),
        ("abroad", "needs", {"destination_country": ""}, False, "abroad", ["Tulis negara"]),
        ("caregiver", "child", {"child_name": ""}, True, "child", []),  # back: nothing is checked
        ("child", "abroad", {"caregiver_name": ""}, True, "abroad", []),  # only the step being left
    ],
)
def test_the_step_check_answers_with_the_pages_rules_and_messages(
    jago, client, step, go, over, ok, shown, messages
):
    """POST /cases/new/check/ (the page's script, before showing the next step): the page's own rules, the
    same summary and fields the page would render, what was typed kept; nothing saved."""
    client.force_login(jago["worker"])
    data = {**step_data(**over), "step": step, "go": go}
    answer = _check(client, data)
    assert answer["ok"] is ok and answer["step"] == shown
    for message in messages:
        assert message in answer["summary_html"]
    if ok:
        assert not answer["summary_html"].strip()
        assert all("errorlist" not in html for html in answer["fields"].values())
    else:
        assert 'id="error-summary"' in answer["summary_html"] and "Ada masalah" in answer["summary_html"]
    checked = {"child": "child_name", "caregiver": "caregiver_name", "abroad": "destination_country"}
    if go != "child" and step in checked:
        assert checked[step] in answer["fields"]
    assert ChildCase.objects.count() == 1
    # The same summary as the page without JavaScript gives for the same step (one set of rules, no copy).
    page = client.post("/cases/new/", data).content.decode()
    if ok:
        assert 'id="error-summary"' not in page
    else:
        start = page.index('<div class="error-summary"')
        assert answer["summary_html"].strip() == page[start : page.index("</div>", start) + 6].strip()


def test_the_step_check_keeps_what_was_typed_in_the_fields_it_renders(jago, client):
    client.force_login(jago["worker"])
    answer = _check(client, {**step_data(nik="1234"), "step": "child", "go": "caregiver"})
    assert not answer["ok"]
    assert 'value="Lalu Hamdi Saputra"' in answer["fields"]["child_name"]
    assert 'value="1234"' in answer["fields"]["nik"] and "errorlist" in answer["fields"]["nik"]
    assert 'data-field="nik"' in answer["fields"]["nik"]
    assert "selected" in answer["fields"]["area"]
    assert set(answer["fields"]) == {"child_name", "sex", "birth_date", "nik", "area", "address"}


@pytest.mark.parametrize("who", ["kader_jago", "dukcapil_loteng_1", None])
def test_the_step_check_is_for_case_workers_only(jago, client, who):
    if who:
        client.force_login(jago["users"][who])
    response = client.post("/cases/new/check/", {**step_data(), "step": "child", "go": "caregiver"})
    assert response.status_code in ((403,) if who else (302,))
    client.force_login(jago["worker"])
    assert client.get("/cases/new/check/").status_code == 405


def test_names_are_compared_normalised():
    assert normalise_name("  LALU  Zulkarnaén-Test ") == "lalu zulkarnaen test"
    assert name_similarity("Lalu Zulkarnain Test", "lalu zulkarnain") == 1.0
    assert name_similarity("Lalu Zulkarnain", "Lalu Zulkarnaen") >= 0.5
    assert name_similarity("Lalu Zulkarnain", "Baiq Nurul Aini") < 0.5


def test_possible_duplicate_is_shown_to_the_case_team_who_can_continue(jago, client):
    client.force_login(jago["worker"])
    b = birth()  # the jago child's birth date, in the same desa
    data = {
        **step_data(child_name="lalu  zulkarnain", nik=""),
        "birth_date_day": str(b.day),
        "birth_date_month": str(b.month),
        "birth_date_year": str(b.year),
        "area": "52.02.01.2013.01",
    }
    r = client.post("/cases/new/", {**data, "step": "needs", "register": "1"})
    html = r.content.decode()
    code = jago["case"].code
    assert r.status_code == 200 and f"Mungkin sudah terdaftar: {code}" in html
    assert f'href="/cases/{code}/"' in html and ChildCase.objects.count() == 1
    assert CHILD_NAME not in html  # the other child's name is not shown, only its code
    r = client.post("/cases/new/", {**data, "step": "needs", "confirm_new": "1"})
    assert r.status_code == 302 and ChildCase.objects.count() == 2


def test_a_duplicate_outside_the_persons_team_is_never_revealed(jago, client):
    from referrals.models import CaseTeamMember

    CaseTeamMember.objects.filter(case=jago["case"]).delete()
    client.force_login(jago["worker"])
    b = birth()
    data = {
        **step_data(child_name=CHILD_NAME, nik=""),
        "birth_date_day": str(b.day),
        "birth_date_month": str(b.month),
        "birth_date_year": str(b.year),
        "area": "52.02.01.2013.01",
    }
    r = client.post("/cases/new/", {**data, "step": "needs", "register": "1"})
    assert r.status_code == 302 and jago["case"].code.encode() not in client.get(r["Location"]).content


def test_a_corrected_nik_of_another_kecamatan_is_warned_about_then_saved_when_confirmed(sent, client):
    case, worker = sent["case"], sent["worker"]
    client.force_login(worker)
    b = case.birth_date
    form = {
        "child_name": case.child_name,
        "sex": case.sex,
        "birth_date_day": str(b.day),
        "birth_date_month": str(b.month),
        "birth_date_year": str(b.year),
        "nik": case.nik,
        "caregiver_name": case.caregiver_name,
        "caregiver_relation": case.caregiver_relation,
        "caregiver_phone": case.caregiver_phone,
        "address": case.address,
        "reason": "Sesuai Kartu Keluarga",
    }
    other = nik_for(b, sex=case.sex, region="520206", seq=77)
    html = client.post(f"/cases/{case.code}/identity/", {**form, "nik": other}).content.decode()
    assert 'id="nik-warning"' in html and "NIK ini terdaftar di wilayah lain: Kec. Praya Timur" in html
    case.refresh_from_db()
    assert case.nik != other and not IdentityCorrection.objects.filter(case=case).exists()
    r = client.post(f"/cases/{case.code}/identity/", {**form, "nik": other, "confirm_nik": other})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.nik == other
    # The NIK unchanged: no warning again on the next correction.
    r = client.post(f"/cases/{case.code}/identity/", {**form, "nik": other, "address": "RT 3"})
    assert r.status_code == 302


def test_identity_correction_is_audited_with_the_old_value_for_the_team_only(sent, client):
    case, worker = sent["case"], sent["worker"]
    liaison = sent["users"]["dukcapil_loteng_1"]
    client.force_login(liaison)
    assert client.get(f"/cases/{case.code}/identity/").status_code in (403, 404)
    client.force_login(worker)
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert f"/cases/{case.code}/identity/" in page
    html = client.get(f"/cases/{case.code}/identity/").content.decode()
    assert f'value="{CHILD_NAME}"' in html and 'name="birth_date_year"' in html
    b = case.birth_date
    form = {
        "child_name": "Lalu Zulkarnain Putra",
        "sex": "M",
        "birth_date_day": str(b.day),
        "birth_date_month": str(b.month),
        "birth_date_year": str(b.year),
        "nik": case.nik,
        "caregiver_name": "Inaq Rumenah",
        "caregiver_relation": "nenek",
        "caregiver_phone": "",
        "address": "Dusun Jago Timur RT 2",
        "reason": "Sesuai Kartu Keluarga",
    }
    r = client.post(f"/cases/{case.code}/identity/", {**form, "nik": "1234"})
    assert r.status_code == 200 and "Ada masalah" in r.content.decode()
    r = client.post(f"/cases/{case.code}/identity/", form)
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.child_name == "Lalu Zulkarnain Putra" and case.address == "Dusun Jago Timur RT 2"
    correction = IdentityCorrection.objects.get(case=case)
    assert {"field": "child_name", "old": CHILD_NAME, "new": "Lalu Zulkarnain Putra"} in correction.changes
    entry = AuditEntry.objects.get(action="case.identity_correct")
    assert set(entry.fields) == {"child_name", "address"} and CHILD_NAME not in str(entry.detail)
    audit = client.get(f"/cases/{case.code}/audit/").content.decode()
    assert CHILD_NAME in audit and "Lalu Zulkarnain Putra" in audit and "Sesuai Kartu Keluarga" in audit
    # The agency with the open referral sees the corrected name at once (page and letter), never the old one.
    client.force_login(liaison)
    referral = sent["referral"]
    for url in (f"/cases/referrals/{referral.pk}/", f"/cases/referrals/{referral.pk}/letter/"):
        body = client.get(url).content.decode()
        assert "Lalu Zulkarnain Putra" in body and CHILD_NAME not in body, url
    assert client.get(f"/cases/{case.code}/audit/").status_code in (403, 404)


def test_anonymising_blanks_the_old_values_of_corrections(sent):
    from django.utils import timezone

    from referrals.identity import case_correct_identity
    from referrals.privacy import case_anonymise

    case = sent["case"]
    case_correct_identity(actor=sent["worker"], code=case.code, values={"child_name": "Nama Baru"})
    ChildCase.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    from referrals.models import Referral

    Referral.objects.filter(case=case).update(status="closed")
    assert case_anonymise(case=case, retention_days=1)
    correction = IdentityCorrection.objects.get(case=case)
    assert correction.changes == [{"field": "child_name"}]


def test_the_summary_follows_the_order_of_the_page(jago, client):
    client.force_login(jago["worker"])
    html = client.post("/cases/new/", {"step": "needs", "register": "1"}).content.decode()
    anchors = re.findall(r'<a href="#(id_[a-z_0-9]+)"', html)
    assert anchors[:3] == ["id_child_name", "id_sex_0", "id_birth_date_day"]
    assert anchors.index("id_area") < anchors.index("id_caregiver_name")


def test_an_anonymised_case_cannot_get_an_identity_back(sent):
    from django.utils import timezone

    from portal.core.errors import Conflict
    from referrals.identity import case_correct_identity
    from referrals.models import Referral
    from referrals.privacy import case_anonymise

    case = sent["case"]
    Referral.objects.filter(case=case).update(status="closed")
    ChildCase.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    assert case_anonymise(case=case, retention_days=1)
    with pytest.raises(Conflict):
        case_correct_identity(actor=sent["worker"], code=case.code, values={"child_name": "Nama Lagi"})


@pytest.mark.parametrize(
    ("nik", "born", "sex", "message"),
    [
        # The date digits this child's NIK has, in words a cadre reads: no format code such as DDMMYY.
        (
            "5202011403990001",
            dt.date(2020, 3, 14),
            "M",
            "NIK tidak sesuai dengan tanggal lahir: untuk anak yang lahir 14 Mar 2020, "
            "digit ke-7 sampai ke-12 NIK adalah 140320.",
        ),
        (
            "5202011403990001",
            dt.date(2020, 3, 14),
            "F",
            "digit ke-7 sampai ke-12 NIK adalah 540320.",
        ),  # girl: +40
        ("5202011403990001", dt.date(2020, 3, 14), "", "adalah 140320."),
        ("5202011403200001", dt.date(2020, 3, 14), "M", None),
        ("5202015403200001", dt.date(2020, 3, 14), "F", None),
    ],
)
def test_nik_date_mismatch_names_the_digits(nik, born, sex, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from referrals.services import validate_nik

    with translation.override("id"):
        if message is None:
            assert validate_nik(nik, birth_date=born, sex=sex) == nik
            return
        with pytest.raises(ValidationError) as refused:
            validate_nik(nik, birth_date=born, sex=sex)
        text = refused.value.messages[0]
    assert message in text and "TTBBTT" not in text
