"""The thread form in plain words (issue 20): a cadre sees no area code, no "Markdown" and no case-code field;
a case worker gets the case-code field."""

import re

import pytest

pytestmark = pytest.mark.django_db

AREA_CODE = re.compile(r"\b\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?\b")


def visible_text(html: str) -> str:
    """What a person reads: the text between tags, without attributes, scripts and styles."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def form_page(client, username, code="52.02.01.2013"):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(f"/forums/f/{code}/new/")
    assert response.status_code == 200, username
    return response.content.decode()


def test_a_cadre_sees_plain_words(demo_full, client):
    html = form_page(client, "kader_jago", "52.02.01.2013")
    text = visible_text(html)
    assert not AREA_CODE.search(text), AREA_CODE.search(text)
    assert "markdown" not in html.lower()
    assert 'name="case"' not in html
    assert "Kode kasus" not in text


def test_a_case_worker_gets_the_case_code_field(demo_full, client):
    html = form_page(client, "pendamping_jago", "52.02.01.2013")
    assert 'name="case"' in html
    assert not AREA_CODE.search(visible_text(html))
