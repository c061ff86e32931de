"""Issue 19.5, credentials that outlive their owner's intent: tokens end on revocation, password change (every
path that saves a password), reset, deactivation and "log out everywhere"; a GET never changes the stored
language; password resets and logins are throttled without locking out the innocent."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from portal.people.models import ApiToken
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lampu-minyak-di-Praya-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def issue_token(username, password=TEST_PASSWORD, ip="10.0.0.1"):
    response = Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    return response


def token(username) -> str:
    response = issue_token(username)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me_status(key) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code


# --- DELETE /api/v1/auth/token --------------------------------------------------------------------------------


def test_delete_token_revokes_exactly_the_token_presented():
    make_user("revoker")
    first, second = token("revoker"), token("revoker")
    response = Client().delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert response.status_code == 204 and response.content == b""
    assert me_status(first) == 401
    assert me_status(second) == 200  # the person's other device keeps its token
    # Revoking again: the token no longer authenticates.
    assert Client().delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401


def test_delete_token_needs_a_token():
    user = make_user("sessiononly")
    client = Client()
    assert client.delete("/api/v1/auth/token").status_code == 401
    client.force_login(user)
    response = client.delete("/api/v1/auth/token")
    assert response.status_code in (401, 403) and set(response.json()) == {"detail"}


def test_delete_token_is_in_the_openapi_document():
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/auth/token"]["delete"]
    assert "204" in operation["responses"]


# --- every path that changes a password or deactivates ends the tokens ----------------------------------------


def _via_password_page(user):
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _via_reset_link(user):
    client = Client()
    assert client.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    confirm = form.redirect_chain[-1][0] if form.redirect_chain else path
    response = client.post(confirm, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302


def _via_changepassword_command(user, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", user.username)


def _via_back_office(user):
    """What the back office's edit form does: set_password() then save()."""
    person = get_user_model().objects.get(pk=user.pk)
    person.set_password(NEW_PASSWORD)
    person.save()


def _via_unusable_password(user):
    person = get_user_model().objects.get(pk=user.pk)
    person.set_unusable_password()
    person.save()


def _deactivate(user):
    person = get_user_model().objects.get(pk=user.pk)
    person.is_active = False
    person.save(update_fields=["is_active"])


ENDINGS = {
    "password page": _via_password_page,
    "reset link": _via_reset_link,
    "manage.py changepassword": _via_changepassword_command,
    "back office": _via_back_office,
    "unusable password": _via_unusable_password,
    "deactivation": _deactivate,
}


@pytest.mark.parametrize("how", ENDINGS)
def test_every_token_ends_with_the_password_or_the_account(how, monkeypatch):
    user = make_user("ender", email="ender@example.org")
    other = make_user("bystander")
    keys = [token("ender"), token("ender")]
    kept = token("bystander")
    ending = ENDINGS[how]
    if ending is _via_changepassword_command:
        ending(user, monkeypatch)
    else:
        ending(user)
    assert [me_status(k) for k in keys] == [401, 401]
    assert not ApiToken.objects.filter(user=user).exists()  # gone, so a reactivation revives nothing
    assert me_status(kept) == 200 and ApiToken.objects.filter(user=other).exists()


def test_logging_in_again_does_not_end_tokens():
    """Saving the last login (and Django re-hashing a password on login) is not a password change."""
    make_user("stayer")
    key = token("stayer")
    assert Client().login(username="stayer", password=TEST_PASSWORD)
    token("stayer")
    assert me_status(key) == 200


def test_log_out_everywhere_ends_sessions_and_tokens():
    user = make_user("everywhere")
    laptop, phone = Client(), Client()
    assert laptop.login(username="everywhere", password=TEST_PASSWORD)
    assert phone.login(username="everywhere", password=TEST_PASSWORD)
    key = token("everywhere")
    page = laptop.get("/accounts/")
    assert page.status_code == 200 and 'action="/accounts/logout/everywhere/"' in page.content.decode()
    assert laptop.get("/accounts/logout/everywhere/").status_code == 405  # a GET ends nothing
    response = laptop.post("/accounts/logout/everywhere/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for client in (laptop, phone):
        assert client.get("/home/").status_code == 302  # to the login page
        assert client.get("/api/v1/me").status_code == 401
    assert me_status(key) == 401
    # Logging in again works, and only the new session counts.
    fresh = Client()
    assert fresh.login(username="everywhere", password=TEST_PASSWORD)
    assert fresh.get("/home/").status_code == 200
    assert phone.get("/home/").status_code == 302
    user.refresh_from_db()
    assert user.credentials_epoch == 1


def test_log_out_everywhere_needs_the_csrf_token():
    user = make_user("csrfcheck")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/accounts/logout/everywhere/").status_code == 403
    assert client.get("/home/").status_code == 200


# --- GET never changes the stored language --------------------------------------------------------------------


def test_a_get_to_the_language_link_leaves_the_profile_alone():
    user = make_user("linguist", language="id")
    client = Client()
    client.force_login(user)
    response = client.get("/language/en/", {"next": "/home/"})
    assert response.status_code == 302
    assert client.cookies["pelita_language"].value == "en"  # the visitor's display language, for this browser
    user.refresh_from_db()
    assert user.language == "id"  # notifications and e-mail keep the person's chosen language
    client.post("/language/", {"language": "en", "next": "/home/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_no_get_url_changes_the_stored_language():
    """Every GET-able URL of the resolver without parameters, and the language link, as a logged-in person:
    the stored profile never changes."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<" not in route and "(" not in route and "^" not in route:
                    yield "/" + route

    urls = sorted({u for u in walk(get_resolver().url_patterns) if "logout" not in u})
    assert "/language/" in urls and "/accounts/" in urls
    user = make_user("getwalker", language="id")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies["pelita_language"] = "en"
    for url in [*urls, "/language/en/", "/en/language/en/"]:
        client.get(url, {"language": "en", "next": "/"})
        user.refresh_from_db()
        assert user.language == "id", url


# --- password reset throttle ----------------------------------------------------------------------------------


def _reset(email, ip="10.1.1.1", language=None):
    client = Client(REMOTE_ADDR=ip)
    if language:
        client.cookies["pelita_language"] = language
    return client.post("/accounts/password/reset/", {"email": email})


@pytest.mark.parametrize("exists", [True, False])
def test_password_reset_is_throttled_per_email_without_telling_whether_it_exists(settings, exists):
    settings.PELITA_RESET_PER_EMAIL = 2
    if exists:
        make_user("forgetful", email="forgetful@example.org")
    answers = [_reset("forgetful@example.org", ip=f"10.2.0.{i}") for i in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Terlalu banyak permintaan atur ulang kata sandi" in answers[-1].content.decode()
    assert len(mail.outbox) == (2 if exists else 0)
    # Another address still gets its e-mail, from the same network address.
    make_user("other", email="other@example.org")
    assert _reset("other@example.org", ip="10.2.0.9").status_code == 302


def test_password_reset_is_throttled_per_address_and_says_so_in_english(settings):
    settings.PELITA_RESET_PER_ADDRESS = 3
    answers = [_reset(f"nobody{i}@example.org", ip="10.3.3.3", language="en") for i in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many password reset requests" in answers[-1].content.decode()
    assert _reset("nobody9@example.org", ip="10.3.3.4").status_code == 302


def test_an_over_limit_answer_is_the_same_for_known_and_unknown_addresses(settings):
    settings.PELITA_RESET_PER_EMAIL = 1
    make_user("known", email="known@example.org")
    _reset("known@example.org", ip="10.4.0.1")
    _reset("unknown@example.org", ip="10.4.0.2")
    known = _reset("known@example.org", ip="10.4.0.3")
    unknown = _reset("unknown@example.org", ip="10.4.0.4")
    assert known.status_code == unknown.status_code == 429

    def main(response):
        body = response.content.decode()
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        return re.sub(r'value="[^"]*@example.org"', "", body.split('<main id="main"', 1)[1])

    assert main(known) == main(unknown)


# --- login throttle: the pair (username, address), a growing delay, no lockout of the innocent ----------------


def _login_page(username, password, ip):
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session, response


def _login_api(username, password, ip):
    response = issue_token(username, password, ip=ip)
    return response.status_code == 200, response


@pytest.mark.parametrize("login", [_login_page, _login_api], ids=["page", "token endpoint"])
def test_wrong_passwords_for_one_account_lock_out_nobody_else(settings, login):
    make_user("target")
    make_user("neighbour")
    office = "203.0.113.7"  # a village office behind one address
    for _ in range(settings.PELITA_LOGIN_ATTEMPTS + 2):
        ok, _response = login("target", "wrong-password", office)
        assert not ok
    # The pair waits, even with the right password ...
    ok, response = login("target", TEST_PASSWORD, office)
    assert not ok
    if login is _login_api:
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
    else:
        assert "Terlalu banyak percobaan gagal" in response.content.decode()
    # ... but another person behind the same address logs in, and the owner logs in from elsewhere.
    assert login("neighbour", TEST_PASSWORD, office)[0]
    assert login("target", TEST_PASSWORD, "198.51.100.20")[0]


def test_the_delay_grows_with_each_failure_and_ends(settings, monkeypatch):
    from portal.people import throttle

    make_user("slowme")
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    ip = "203.0.113.8"
    waits = []
    for _ in range(settings.PELITA_LOGIN_ATTEMPTS + 4):
        throttle.login_failed(username="slowme", ip=ip)
        waits.append(throttle.login_wait(username="slowme", ip=ip))
        clock[0] += waits[-1] + 0.5  # the attacker waits the delay out each time
    free = settings.PELITA_LOGIN_ATTEMPTS - 1
    assert waits[:free] == [0.0] * free
    delays = waits[free:]
    assert delays == sorted(delays) and delays[-1] > delays[0] > 0
    assert max(delays) <= settings.PELITA_LOGIN_MAX_DELAY
    # After the delay the right password works, and ends the count.
    clock[0] += settings.PELITA_LOGIN_MAX_DELAY
    assert throttle.login_wait(username="slowme", ip=ip) == 0
    throttle.login_succeeded(username="slowme", ip=ip)
    throttle.login_failed(username="slowme", ip=ip)
    assert throttle.login_wait(username="slowme", ip=ip) == 0


def test_many_accounts_guessed_from_one_address_slow_that_address(settings):
    settings.PELITA_LOGIN_ADDRESS_ATTEMPTS = 5
    make_user("victim")
    ip = "203.0.113.9"
    for i in range(5):
        assert not _login_api(f"guess{i}", "wrong-password", ip)[0]
    ok, response = _login_api("victim", TEST_PASSWORD, ip)
    assert not ok and response.status_code == 429
    assert _login_api("victim", TEST_PASSWORD, "198.51.100.21")[0]


def test_the_address_limit_is_much_higher_than_the_pairs():
    from django.conf import settings

    assert settings.PELITA_LOGIN_ADDRESS_ATTEMPTS >= 10 * settings.PELITA_LOGIN_ATTEMPTS
