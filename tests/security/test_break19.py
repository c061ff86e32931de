"""Break-it probes of issue 19's fixes (a curious insider with the demo accounts, and an outsider).

Each test is one attack that was tried; the ones kept here held (or were fixed with them) and stay as regression
tests. The world is tests/security/conftest.py's: a child in a dusun of Desa Jago, consent to Dukcapil, a referral
sent to Dukcapil with a private message."""

import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import TEST_PASSWORD
from tests.security.conftest import CAREGIVER, CHILD_NAME

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _no_identity(response, world) -> None:
    body = _text(response)
    for secret in (CHILD_NAME, CAREGIVER, world["nik"], "081234567890", "Securitytest RT"):
        assert secret not in body, (response.request["PATH_INFO"], secret)


# --- 2. consent withdrawal: the agency loses identity on every path ------------------------------------------


def _withdraw(world, token_for):
    api = Client()
    case, consent = world["case"], world["consent"]
    r = api.post(
        f"/api/v1/cases/{case.code}/consents/{consent.pk}/withdraw",
        HTTP_AUTHORIZATION=token_for(world["worker"]),
    )
    assert r.status_code == 200, r.content


def _liaison_paths(world):
    ref = world["referral"]
    code = world["case"].code
    return [
        f"/cases/{code}/",
        f"/cases/referrals/{ref.pk}/",
        f"/cases/referrals/{ref.pk}/letter/",
        "/cases/inbox/?tab=all",
        "/cases/inbox/?tab=new",
        "/cases/inbox/",
        "/cases/",
        f"/cases/?q={CHILD_NAME.split()[0]}",
        "/notifications/",
        "/home/",
    ]


@pytest.mark.parametrize("accept_first", [False, True])
def test_after_withdrawal_the_liaison_reaches_no_identity_anywhere(world, token_for, accept_first):
    liaison = world["users"]["dukcapil_loteng_1"]
    bearer = token_for(liaison)
    ref = world["referral"]
    api = Client(raise_request_exception=False)
    if accept_first:
        r = api.post(
            f"/api/v1/referrals/{ref.pk}/transitions",
            {"action": "accept"},
            content_type="application/json",
            HTTP_AUTHORIZATION=bearer,
        )
        assert r.status_code == 200, r.content
    # Before: the liaison does read the child (the probe can fail).
    before = api.get(f"/api/v1/cases/{world['case'].code}", HTTP_AUTHORIZATION=bearer)
    assert CHILD_NAME in _text(before)
    _withdraw(world, token_for)
    code = world["case"].code
    for path in (
        f"/api/v1/cases/{code}",
        f"/api/v1/referrals/{ref.pk}",
        "/api/v1/referrals",
        "/api/v1/referrals?status=withdrawn",
        f"/api/v1/referrals/{ref.pk}/messages",
        "/api/v1/notifications",
    ):
        r = api.get(path, HTTP_AUTHORIZATION=bearer)
        assert r.status_code < 500, path
        _no_identity(r, world)
        assert "Secret note" not in _text(r), path
    r = api.post(
        f"/api/v1/referrals/{ref.pk}/messages",
        {"body": "still there?"},
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer,
    )
    assert r.status_code in (403, 404, 409), r.content
    for action in ("accept", "start", "complete", "decline"):
        r = api.post(
            f"/api/v1/referrals/{ref.pk}/transitions",
            {"action": action, "note": "x", "outcome": "x"},
            content_type="application/json",
            HTTP_AUTHORIZATION=bearer,
        )
        assert r.status_code in (403, 404, 409, 422), (action, r.content)
    page = _client(liaison)
    for path in _liaison_paths(world):
        r = page.get(path)
        assert r.status_code < 500, path
        _no_identity(r, world)
        assert "Secret note" not in _text(r), path
    r = page.post(f"/cases/referrals/{ref.pk}/messages/", {"body": "still there?"})
    assert r.status_code in (302, 403, 404, 409), r.status_code
    from referrals.models import ReferralMessage

    assert not ReferralMessage.objects.filter(body="still there?").exists()


def test_withdrawal_through_the_page_ends_sharing_too(world):
    liaison = world["users"]["dukcapil_loteng_1"]
    worker = _client(world["worker"])
    code, consent = world["case"].code, world["consent"]
    r = worker.post(f"/cases/{code}/consents/{consent.pk}/withdraw/", {"note": "nenek changed her mind"})
    assert r.status_code in (200, 302), r.status_code
    world["referral"].refresh_from_db()
    assert world["referral"].status == "withdrawn"
    page = _client(liaison)
    for path in _liaison_paths(world):
        _no_identity(page.get(path), world)


def test_a_get_cannot_withdraw_or_record_consent(world):
    worker = _client(world["worker"])
    code, consent = world["case"].code, world["consent"]
    worker.get(f"/cases/{code}/consents/{consent.pk}/withdraw/")
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_the_liaison_cannot_withdraw_the_consent_or_read_it(world, token_for):
    """Consents (the caregiver's name) are the team's: a liaison neither withdraws nor lists them."""
    bearer = token_for(world["users"]["dukcapil_loteng_1"])
    code, consent = world["case"].code, world["consent"]
    r = Client().post(f"/api/v1/cases/{code}/consents/{consent.pk}/withdraw", HTTP_AUTHORIZATION=bearer)
    assert r.status_code in (403, 404)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    r = Client().get(f"/api/v1/cases/{code}", HTTP_AUTHORIZATION=bearer)
    assert "consents" not in r.json() and "team" not in r.json()


# --- 3. liaison scope ---------------------------------------------------------------------------------------


def test_another_agencys_liaison_sees_nothing_of_the_referral(world, token_for):
    other = world["users"]["dinsos_loteng"]
    bearer = token_for(other)
    ref, code = world["referral"], world["case"].code
    api = Client(raise_request_exception=False)
    for path in (
        f"/api/v1/cases/{code}",
        f"/api/v1/referrals/{ref.pk}",
        f"/api/v1/referrals/{ref.pk}/messages",
    ):
        assert api.get(path, HTTP_AUTHORIZATION=bearer).status_code == 404, path
    for query in ("", "?status=sent", "?service=akta-kelahiran", "?overdue=false", "?page_size=1000"):
        r = api.get("/api/v1/referrals" + query, HTTP_AUTHORIZATION=bearer)
        assert r.status_code in (200, 422)
        assert code not in _text(r), query
    page = _client(other)
    for path in _liaison_paths(world):
        r = page.get(path)
        if code in path or str(ref.pk) in path:
            assert r.status_code == 404, path  # the page echoes its own path (login links): the status says
        else:
            assert code not in _text(r), path
        _no_identity(r, world)


def test_the_liaison_sees_only_its_own_referrals_of_the_case(world, token_for):
    """An urgent child-protection referral to another agency stays invisible to Dukcapil."""
    from portal.agencies.models import Service
    from referrals.services import referral_create

    users, agencies = world["users"], world["agencies"]
    other_agency = next(
        a
        for a in agencies.values()
        if a.pk != world["dukcapil"].pk and a.services.filter(child_protection=True).exists()
    )
    service = other_agency.services.filter(child_protection=True).first()
    assert Service.objects.filter(pk=service.pk).exists()
    urgent = referral_create(
        actor=world["worker"],
        code=world["case"].code,
        agency=other_agency,
        service=service,
        note="Violence at home, see the caregiver",
        urgency="urgent",
        consent_override_reason="danger",
    )
    bearer = token_for(users["dukcapil_loteng_1"])
    r = Client().get(f"/api/v1/cases/{world['case'].code}", HTTP_AUTHORIZATION=bearer)
    data = r.json()
    assert [x["id"] for x in data["referrals"]] == [world["referral"].pk]
    assert service.slug not in data["needs"]
    assert Client().get(f"/api/v1/referrals/{urgent.pk}", HTTP_AUTHORIZATION=bearer).status_code == 404
    page = _client(users["dukcapil_loteng_1"]).get(f"/cases/{world['case'].code}/")
    assert "Violence at home" not in _text(page)
    assert f"/cases/referrals/{urgent.pk}/" not in _text(page)


# --- 4. credentials -----------------------------------------------------------------------------------------


def test_a_password_changed_in_the_back_office_ends_tokens(world, token_for):
    coordinator = world["users"]["koordinator_ntb"]
    bearer = token_for(coordinator)
    api = Client()
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=bearer).status_code == 200
    c = _client(coordinator)
    form = c.get("/admin/account/")
    assert form.status_code == 200
    data = {
        "password-old_password": TEST_PASSWORD,
        "password-new_password1": "An0ther-long-passphrase!",
        "password-new_password2": "An0ther-long-passphrase!",
        "name_email-first_name": "Yusuf",
        "name_email-last_name": "Hidayat",
        "name_email-email": coordinator.email,
        "locale-preferred_language": "id",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        "theme-keyboard_clipboard_shortcuts": "on",
    }
    r = c.post("/admin/account/", data)
    assert r.status_code in (200, 302)
    coordinator.refresh_from_db()
    assert coordinator.check_password("An0ther-long-passphrase!"), "the change did not happen"
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=bearer).status_code == 401


def test_a_deactivated_person_by_the_superuser_loses_tokens_and_sessions(world, token_for):
    person = world["users"]["dukcapil_loteng_1"]
    bearer = token_for(person)
    session = _client(person)
    admin = _client(world["users"]["admin"])
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=person.pk)  # noqa: B018 (the queryset path is documented as unguarded)
    person.is_active = False
    person.save()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=bearer).status_code == 401
    assert session.get(f"/cases/referrals/{world['referral'].pk}/").status_code in (302, 404)
    assert admin.get("/admin/").status_code == 200


def test_delete_token_twice_and_with_garbage(world, token_for):
    bearer = token_for(world["worker"])
    api = Client()
    assert api.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=bearer).status_code == 204
    assert api.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=bearer).status_code == 401
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=bearer).status_code == 401
    for junk in ("Bearer ", "Bearer x" * 500, "Basic YWRtaW46YWRtaW4=", "Bearer \x00"):
        assert api.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=junk).status_code == 401


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_no_safe_method_on_the_language_link_stores(world, method):
    person = world["users"]["kader_jago"]
    before = person.language
    other = "en" if before == "id" else "id"
    c = _client(person)
    for path in (f"/language/{other}/", f"/language/{other}/?next=/home/", f"/en/language/{other}/"):
        getattr(c, method)(path)
    person.refresh_from_db()
    assert person.language == before


def test_the_token_endpoint_throttles_per_pair_and_lets_the_neighbour_in(world, settings):
    cache.clear()
    api = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(settings.PELITA_LOGIN_ATTEMPTS + 2):
        api.post(
            "/api/v1/auth/token",
            {"username": "pendamping_jago", "password": "wrong"},
            content_type="application/json",
        )
    r = api.post(
        "/api/v1/auth/token",
        {"username": "pendamping_jago", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 429, "the guessed account is slowed down"
    r = api.post(
        "/api/v1/auth/token",
        {"username": "kader_jago", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert r.status_code in (200, 201), r.content
    # Another case of the same username does not start a fresh count.
    r = api.post(
        "/api/v1/auth/token",
        {"username": "PENDAMPING_JAGO ", "password": "wrong"},
        content_type="application/json",
    )
    assert r.status_code == 429
    # The admin's login form counts on the same pair.
    page = Client(REMOTE_ADDR="10.9.9.9")
    page.post("/admin/login/", {"username": "pendamping_jago", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in page.session
    cache.clear()


def test_the_admins_password_reset_is_throttled_like_pelitas(world, settings):
    """Wagtail's own reset form (/admin/password_reset/) is a second door to the same e-mails."""
    cache.clear()
    email = world["users"]["koordinator_ntb"].email
    for _ in range(settings.PELITA_RESET_PER_EMAIL + 3):
        Client(REMOTE_ADDR="10.8.8.8").post("/admin/password_reset/", {"email": email})
        Client(REMOTE_ADDR="10.8.8.8").post("/accounts/password_reset/", {"email": email})
    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) <= settings.PELITA_RESET_PER_EMAIL, len(sent)
    cache.clear()


# --- 5. Cache-Control ---------------------------------------------------------------------------------------


def _no_store(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


def test_every_identity_answer_is_no_store(world, token_for):
    from portal.notifications.models import Notification

    liaison = world["users"]["dukcapil_loteng_1"]
    ref, code = world["referral"], world["case"].code
    note = Notification.objects.filter(recipient=liaison).first()
    # The home page is left out: it carries no case (checked above by _no_identity), only counts and links.
    paths = [p for p in _liaison_paths(world) if p != "/home/"]
    paths += [f"/api/v1/cases/{code}", f"/api/v1/referrals/{ref.pk}"]
    paths += ["/api/v1/referrals", f"/api/v1/referrals/{ref.pk}/messages", "/api/v1/notifications"]
    paths += ["/api/v1/notifications/unread-count", "/notifications/settings/"]
    if note is not None:
        paths.append(f"/notifications/{note.pk}/")
    c = _client(liaison)
    bearer = token_for(liaison)
    for path in paths:
        r = c.get(path, HTTP_AUTHORIZATION=bearer) if path.startswith("/api/") else c.get(path)
        assert r.status_code < 500, path
        assert _no_store(r), (path, r.status_code, r.get("Cache-Control"))
    worker = _client(world["worker"])
    for path in (
        f"/cases/{code}/",
        f"/cases/{code}/audit/",
        f"/cases/{code}/consents/new/",
        f"/cases/{code}/referrals/new/",
        "/cases/new/",
        f"/cases/?q={CHILD_NAME}",
        "/notifications/",
    ):
        r = worker.get(path)
        assert _no_store(r), (path, r.status_code, r.get("Cache-Control"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_case_export_is_no_store_and_the_teams_only(world, fmt):
    """The case worker's download of their cases (names, NIK): no-store; the liaison's download holds nothing of
    the child (they are not on the team), before or after the consent is withdrawn."""
    worker = _client(world["worker"])
    r = worker.post(f"/dashboard/my-cases/export.{fmt}")
    assert r.status_code == 200, r.status_code
    assert _no_store(r), r.get("Cache-Control")
    if fmt == "csv":
        assert CHILD_NAME in _text(r)  # the probe can fail: the download does carry the child
    liaison = _client(world["users"]["dukcapil_loteng_1"])
    r = liaison.post(f"/dashboard/my-cases/export.{fmt}")
    assert r.status_code < 500
    if r.status_code == 200:
        assert _no_store(r)
        if fmt == "csv":
            _no_identity(r, world)
    assert worker.get(f"/dashboard/my-cases/export.{fmt}").status_code == 405


# --- 6. media -----------------------------------------------------------------------------------------------


def test_the_pages_api_lists_no_draft(world):
    from wagtail.models import Page

    drafts = Page.objects.filter(live=False).exclude(depth=1)
    body = Client().get("/api/v2/pages/?limit=500").content.decode()
    for page in drafts:
        assert f'"id": {page.pk},' not in body and f'"id":{page.pk},' not in body, page.title


@pytest.mark.parametrize(
    "path",
    [
        "/media/original_images/child.jpg",
        "/media/documents/letter.pdf",
        "/media/images/child.max-800x600.jpg",
        "/media/../portal/settings/base.py",
        "/media/%2e%2e/manage.py",
        "/api/v2/images/",
        "/api/v2/documents/",
        "/documents/1/x.pdf",
    ],
)
def test_no_upload_is_a_plain_file_to_visitors(db, path):
    r = Client(raise_request_exception=False).get(path)
    assert r.status_code in (403, 404), (path, r.status_code)
    assert b"SECRET_KEY" not in r.content and b"import " not in r.content


# --- 7. run mode --------------------------------------------------------------------------------------------


def test_dev_settings_without_pelita_debug_are_not_debug(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PELITA_DEBUG", "DJANGO_DEBUG", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    env["PELITA_DATA_DIR"] = str(tmp_path)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
    env["PELITA_DEBUG"] = "0"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("path", ["/no-such-page/", "/api/v1/no-such", "/admin/no-such/", "/cases/X/Y/Z/"])
def test_a_404_lists_no_urls(db, path):
    r = Client(raise_request_exception=False).get(path)
    assert r.status_code in (301, 302, 404)
    body = r.content.decode(errors="replace")
    assert "URLconf" not in body and "api/v1/" not in body.replace(path, "")
    assert "Traceback" not in body


# --- 1. back office -----------------------------------------------------------------------------------------


@pytest.fixture
def office(demo_full):
    """The back-office matrix's world (tests/security/test_back_office_matrix.py): NTB inside, Bali outside."""
    from tests.security import test_back_office_matrix as matrix

    return matrix.office.__wrapped__(demo_full)


def _coordinator(office) -> Client:
    return _client(office["users"]["koordinator_ntb"])


@pytest.mark.parametrize(
    "path",
    [
        "/admin/pelita/people-chooser/?q=anggota_bali",
        "/admin/pelita/people-chooser/results/?q=anggota_bali",
        "/admin/pelita/people-chooser/results/?q=bali",
        "/admin/pelita_roles/?q=anggota_bali",
        "/admin/pelita_roles/results/?q=anggota_bali",
        "/admin/pelita_roles/?q=51",
        "/admin/pelita_agencies/?q=Uji",
        "/admin/pelita_agencies/results/?q=Uji",
        "/admin/pelita_areas/?q=Banjar",
        "/admin/pelita_areas/results/?q=Banjar",
        "/admin/pelita_roles/export/?export=csv",
        "/admin/pelita_agencies/export/?export=csv",
        "/admin/pelita_areas/export/?export=csv",
        "/admin/pelita_roles/?export=csv",
        "/admin/pelita_agencies/?export=xlsx",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/search/?q=Uji",
    ],
)
def test_search_lists_and_exports_hold_nothing_outside_the_subtree(office, path):
    _probe_outside_listing(office, path)


def test_the_site_history_report_is_not_offered_to_coordinators(office):
    c = _coordinator(office)
    assert c.get("/admin/reports/site-history/").status_code == 404
    assert "/admin/reports/site-history/" not in _text(c.get("/admin/"))
    admin = _client(office["users"]["admin"])
    assert admin.get("/admin/reports/site-history/").status_code == 200


def _probe_outside_listing(office, path):
    from wagtail.log_actions import log

    out = office["outside"]
    for obj in (out["agency"], out["hamlet"], out["role"]):
        log(obj, "wagtail.edit", user=office["users"]["admin"])
    r = _coordinator(office).get(path)
    assert r.status_code < 500, (path, r.status_code)
    body = _text(r)
    query = path.partition("q=")[2]
    if query:  # the search box and "no matches for" echo the query itself
        body = body.replace(query, "")
    for secret in ("anggota_bali", "Banjar Uji", "Uji Bali"):
        assert secret not in body, (path, secret)


def test_bulk_actions_on_outside_objects_change_nothing(office):
    from portal.agencies.models import Agency
    from portal.areas.models import Area
    from portal.people.models import Membership

    out = office["outside"]
    c = _coordinator(office)
    for app, model, pk in (
        ("agencies", "agency", out["agency"].pk),
        ("areas", "area", out["hamlet"].pk),
        ("people", "membership", out["role"].pk),
    ):
        for action in ("delete", "set_privacy", "move"):
            url = f"/admin/bulk/{app}/{model}/{action}/?id={pk}"
            c.get(url)
            c.post(url, {"id": [pk]})
            c.post(url + "&next=/admin/", {})
    assert Agency.objects.filter(pk=out["agency"].pk).exists()
    assert Area.objects.filter(pk=out["hamlet"].pk).exists()
    assert Membership.objects.filter(pk=out["role"].pk).exists()


def test_nobody_becomes_a_liaison_through_a_side_door(office):
    """Self-appointment and back-office staff as liaisons, by the services, the agency form and the roles form."""
    from portal.agencies.services import agency_liaison_add
    from portal.core.errors import InvalidInput
    from portal.people.services import membership_add

    users = office["users"]
    agency = office["inside"]["agency"]
    coordinator = users["koordinator_ntb"]
    for who in ("koordinator_ntb", "editor", "moderator", "admin"):
        with pytest.raises(InvalidInput):
            agency_liaison_add(agency=agency, user=users[who], actor=coordinator)
        assert not users[who].groups.filter(pk=agency.group_id).exists(), who
    # The mirror: a liaison cannot be given an overseeing role there, nor a coordinator's anywhere.
    liaison = users["dukcapil_loteng_1"]
    from portal.areas.models import Area

    with pytest.raises(InvalidInput):
        membership_add(user=liaison, area=Area.objects.get(code="52"), role="fasilitator", actor=coordinator)
    with pytest.raises(InvalidInput):
        membership_add(user=liaison, area=Area.objects.get(code="51"), role="koordinator", actor=coordinator)
    assert not coordinator.groups.filter(agency__isnull=False).exists()
    # The admin agency edit form with the coordinator himself as add_liaison.
    c = _coordinator(office)
    c.post(
        f"/admin/pelita_agencies/edit/{agency.pk}/",
        {"name": agency.name, "kind": agency.kind, "area": agency.area.code, "add_liaison": coordinator.pk},
    )
    c.post(
        f"/admin/pelita_agencies/edit/{agency.pk}/",
        {"name": agency.name, "kind": agency.kind, "area": agency.area.pk, "add_liaison": coordinator.pk},
    )
    assert not coordinator.groups.filter(pk=agency.group_id).exists()
    bearer_client = Client()
    from portal.people.services import token_issue

    key, _t = token_issue(user=coordinator)
    from tests.security.conftest import CHILD_NAME as name

    for case_code in office.get("cases", {}) or []:
        r = bearer_client.get(f"/api/v1/cases/{case_code}", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert name not in _text(r)
