"""Security settings at work: headers and CSP, cookies and HSTS in production, login lockout on the form and
429 on the token endpoint, password strength, session expiry, uploads judged by content, no inline script."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import TEST_PASSWORD, make_user

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


# --- headers -------------------------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_strict_csp_and_the_browser_protections(db):
    response = Client().get("/accounts/login/")
    csp = _csp(response)
    assert csp["script-src"] == "script-src 'self'"
    assert csp["style-src"] == "style-src 'self'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "frame-ancestors 'none'" and csp["object-src"] == "object-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_api_answers_carry_the_csp_too(db):
    response = Client().get("/api/v1/services")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_only_the_wagtail_admin_gets_the_relaxed_policy(db):
    admin = Client().get("/admin/login/")
    assert "script-src 'self' 'unsafe-inline'" in admin.headers["Content-Security-Policy"]
    assert admin.headers["X-Frame-Options"] == "DENY"
    public = Client().get("/administrator/")  # a path that only starts like it
    assert "'unsafe-inline'" not in public.headers["Content-Security-Policy"]


TEMPLATE_DIRS = ["templates", "portal", "forums", "referrals", "cms"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=\s*[\"']", re.I)


def test_no_template_has_inline_script_handlers_or_style():
    offenders = []
    for top in TEMPLATE_DIRS:
        for path in (ROOT / top).rglob("*.html"):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for what, pattern in (
                ("inline script", INLINE_SCRIPT),
                ("handler", INLINE_HANDLER),
                ("style", STYLE_ATTR),
            ):
                if pattern.search(text):
                    offenders.append(f"{path.relative_to(ROOT)}: {what}")
    assert not offenders, offenders


# --- production settings -------------------------------------------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "DEBUG", "CONTENT_SECURITY_POLICY")}))
"""


def test_production_settings_are_hardened():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "pVq3-Zr8Lm2xW7nK4tYb9sHc6dJf1gAe5uQo0iRwTyUvXzN-ab",
        "ALLOWED_HOSTS": "pelita.example.org",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout.strip().splitlines()[-1])
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_SSL_REDIRECT"] and not s["DEBUG"]
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["SESSION_COOKIE_AGE"] == 14 * 24 * 3600 and s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False
    assert s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]


# --- login throttling ----------------------------------------------------------------------------------------


def test_login_form_locks_out_after_repeated_failures(db):
    user = make_user("lockme")
    client = Client()
    for _ in range(settings.PELITA_LOGIN_ATTEMPTS):
        response = client.post("/accounts/login/", {"username": "lockme", "password": "wrong-password"})
        assert response.status_code == 200
    # Even the right password is refused now, with a clear message, and the username stays in the form.
    response = client.post("/accounts/login/", {"username": "lockme", "password": TEST_PASSWORD})
    body = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan gagal" in body
    assert 'value="lockme"' in body
    assert user.pk  # the account itself is untouched


def test_token_endpoint_answers_429_after_repeated_failures(db):
    make_user("lockapi")
    client = Client()
    for _ in range(settings.PELITA_LOGIN_ATTEMPTS):
        response = client.post(
            "/api/v1/auth/token", {"username": "lockapi", "password": "nope"}, content_type="application/json"
        )
        assert response.status_code == 401
    response = client.post(
        "/api/v1/auth/token",
        {"username": "lockapi", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429 and set(response.json()) == {"detail"}


@pytest.mark.parametrize("password", ["12345678901", "password123", "pelitapelita", "short1!"])
def test_weak_passwords_are_refused(db, password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, make_user("pelitapelita"))


# --- sessions -------------------------------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False and settings.SESSION_COOKIE_HTTPONLY


def test_a_session_ends_at_the_latest_30_days_after_login(db):
    user = make_user()
    client = Client()
    client.force_login(user)
    assert client.get("/home/").status_code == 200
    session = client.session
    session["_pelita_started"] = int(time.time()) - settings.PELITA_SESSION_MAX_AGE - 60
    session.save()
    response = client.get("/home/")
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_an_active_session_slides_its_expiry(db):
    user = make_user()
    client = Client()
    client.force_login(user)
    client.get("/home/")
    session = client.session
    session["_pelita_touched"] = int(time.time()) - 2 * 3600
    session.save()
    response = client.get("/home/")
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


# --- uploads ---------------------------------------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_1PX = _png()


def _document_form(name, content, user):
    from wagtail.documents.forms import get_document_form
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    form_class = get_document_form(Document)
    return form_class(
        data={"title": name, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=user,
    )


def _image_form(name, content, user):
    from wagtail.images.forms import get_image_form
    from wagtail.images.models import Image
    from wagtail.models import Collection

    form_class = get_image_form(Image)
    return form_class(
        data={"title": name, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
        user=user,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("laporan.pdf", EXE),
        ("laporan.pdf", HTML),
        ("catatan.txt", HTML),
        ("data.csv", EXE),
        ("surat.docx", PDF),
        ("tabel.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_documents_are_judged_by_content_not_name(db, name, content):
    form = _document_form(name, content, make_user(is_superuser=True))
    assert not form.is_valid()
    assert "file" in form.errors


def test_a_real_pdf_is_accepted(db):
    form = _document_form("laporan.pdf", PDF, make_user(is_superuser=True))
    assert form.is_valid(), form.errors


def test_documents_have_a_size_limit(db, settings):
    settings.PELITA_DOCUMENT_MAX_UPLOAD_SIZE = 1024
    form = _document_form("laporan.pdf", PDF + b"0" * 2048, make_user(is_superuser=True))
    assert not form.is_valid() and "file" in form.errors


@pytest.mark.parametrize(("name", "content"), [("foto.png", EXE), ("foto.png", HTML), ("foto.jpg", PNG_1PX)])
def test_images_are_judged_by_content_not_name(db, name, content):
    form = _image_form(name, content, make_user(is_superuser=True))
    assert not form.is_valid() and "file" in form.errors


def test_a_real_png_is_accepted_and_images_have_a_size_limit(db, settings):
    user = make_user(is_superuser=True)
    assert _image_form("foto.png", PNG_1PX, user).is_valid()
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10
    assert not _image_form("foto.png", PNG_1PX, user).is_valid()


def test_the_admin_upload_refuses_a_renamed_program(db):
    client = Client()
    client.force_login(make_user(is_superuser=True))
    response = client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("laporan.pdf", EXE), "title": "laporan"},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    from wagtail.documents.models import Document

    assert not Document.objects.exists()
