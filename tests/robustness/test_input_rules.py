"""Issue 18.1 and 18.2's generic part, each as a kind (portal.core.text, inputguard, forms, schemas): oversized
bodies are 413 in the person's language; numbers that become offsets are bounded; control characters and lone
surrogates never 500 and are never stored; invisible-only text counts as empty; every form of the project
applies the rules because every form class derives from the base that carries them."""

import importlib
import inspect
import json
import pkgutil

import pytest
from django import forms
from django.test import Client

from forums.models import Thread
from portal.core.forms import CleanInputMixin
from portal.core.text import TEXT_MAX, contain_bidi, has_forbidden, is_blank, search_terms

DESA = "52.02.01.2013"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def _api(user, token_for):
    return Client(HTTP_AUTHORIZATION=token_for(user))


def post_json(client, path, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **extra)


def test_the_text_rules():
    assert is_blank(ZERO_WIDTH + " \u3000\u00a0\u202e") and not is_blank("a" + ZERO_WIDTH)
    assert has_forbidden("a\x00b") and has_forbidden("\ud800") and has_forbidden("\x1b")
    assert not has_forbidden("baris\nbaru\tdan tab") and not has_forbidden("שלום \u202e")
    assert search_terms('"akta" OR kia* -(x)') == "akta kia x"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/token", {"username": "x" * 11_000_000, "password": "y"}),
        ("/api/v1/forums/52.02.01.2013/threads", {"title": "t", "body": "x" * 2_000_000}),
    ],
)
def test_an_oversized_body_is_413_in_the_persons_language(demo, token_for, path, body):
    response = post_json(_api(demo["users"]["kader_jago"], token_for), path, body)
    assert response.status_code == 413
    assert "terlalu besar" in response.json()["detail"]
    english = post_json(Client(), path, body, HTTP_COOKIE="pelita_language=en")
    assert english.status_code == 413 and "too large" in english.json()["detail"]


def test_an_oversized_form_is_the_friendly_413_page(db):
    response = Client().post(
        "/accounts/login/", "a=" + "x" * 6_000_000, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "Terlalu banyak sekaligus" in response.content.decode()


def test_malformed_and_deep_json(demo, token_for):
    client = _api(demo["users"]["kader_jago"], token_for)
    path = f"/api/v1/forums/{DESA}/threads"
    assert post_json(client, path, '{"title": ').status_code == 400
    deep = post_json(client, path, "[" * 5000 + "]" * 5000)
    assert deep.status_code == 422 and "terlalu dalam" in deep.json()["detail"]


@pytest.mark.parametrize("value", ["\x00", "judul\x00nul", "\ud800 sendiri", "\x1b[31m", "\x85"])
def test_control_characters_are_422_naming_the_field_and_never_stored(demo, token_for, value):
    client = _api(demo["users"]["kader_jago"], token_for)
    response = post_json(client, f"/api/v1/forums/{DESA}/threads", {"title": value, "body": "Isi yang cukup"})
    assert response.status_code == 422 and "title" in response.json()["errors"]
    if "\ud800" not in value:  # a URL cannot carry a lone surrogate as text (the harness sends its bytes)
        query = client.get("/api/v1/areas", {"q": value})
        assert query.status_code == 422 and "q" in query.json()["errors"]
    # (Asked in Python: PostgreSQL refuses even a query that contains NUL.)
    assert not any(has_forbidden(t) for t in Thread.objects.values_list("title", flat=True))


def test_a_title_of_invisible_characters_is_empty_in_the_api_and_in_forms(demo, token_for):
    from forums.services import forum_ensure

    forum_ensure(area=demo["areas"][DESA])
    client = _api(demo["users"]["kader_jago"], token_for)
    response = post_json(client, f"/api/v1/forums/{DESA}/threads", {"title": ZERO_WIDTH, "body": "Isi pesan"})
    assert response.status_code == 422 and response.json()["errors"]["title"] == ["Judul tidak boleh kosong."]
    page = Client()
    page.force_login(demo["users"]["kader_jago"])
    form = page.post(
        f"/forums/f/{DESA}/new/", {"title": ZERO_WIDTH * 3, "body": "Isi pesan", "kind": "discussion"}
    )
    from forums.models import Post

    assert form.status_code == 200 and not Post.objects.filter(body="Isi pesan").exists()
    assert "Judul tidak boleh kosong." in form.content.decode()


RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Rapat biasa", "Rapat biasa"),  # nothing to contain: kept as typed
        (f"Rapat {RLO}terbalik", f"Rapat {RLO}terbalik{PDF}"),  # an override left open is closed at the end
        (f"a{RLO}b{PDF}c", f"a{RLO}b{PDF}c"),  # a closed one is kept
        (
            f"a{RLO}b{PDF}c{PDF}",
            f"a{RLO}b{PDF}c",
        ),  # a closer with nothing to close would close the page's own
        (f"{PDI}judul", "judul"),
        (f"{RLI}a{RLO}b{PDI}c", f"{RLI}a{RLO}b{PDI}c"),  # a PDI closes its isolate and what was opened inside
        (f"{RLO}{RLI}x", f"{RLO}{RLI}x{PDI}{PDF}"),  # innermost first
        (f"{RLI}a{PDF}b", f"{RLI}ab{PDI}"),  # a PDF cannot close through an isolate
        (f"baris {RLO}satu\nbaris dua", f"baris {RLO}satu{PDF}\nbaris dua"),  # contained in its own line
        (f"x{RLO}\r\ny", f"x{RLO}{PDF}\r\ny"),
    ],
)
def test_direction_controls_are_contained_in_their_line(typed, stored):
    assert contain_bidi(typed) == stored


def test_a_direction_override_never_reaches_past_a_title_a_name_or_a_notification(demo, token_for):
    """The Trojan Source kind (found on the attention page's link confirmation, issue 20): a right-to-left
    override typed in a title or a name reversed everything after it wherever it was put in a sentence."""
    from forums.models import Post
    from forums.services import forum_ensure
    from portal.notifications.models import Notification

    forum_ensure(area=demo["areas"][DESA])
    client = _api(demo["users"]["kader_jago"], token_for)
    response = post_json(
        client, f"/api/v1/forums/{DESA}/threads", {"title": f"API {RLO}terbalik", "body": "Isi pesan API"}
    )
    assert response.status_code in (200, 201), response.content
    assert Thread.objects.get(title__startswith="API ").title == f"API {RLO}terbalik{PDF}"
    page = Client()
    page.force_login(demo["users"]["kader_jago"])
    page.post(
        f"/forums/f/{DESA}/new/", {"title": f"Laman {RLO}terbalik", "body": "Isi pesan", "kind": "discussion"}
    )
    assert Thread.objects.get(title__startswith="Laman ").title == f"Laman {RLO}terbalik{PDF}"
    assert Post.objects.filter(body="Isi pesan").exists()
    # A name typed in the back office (Wagtail's own forms) is contained when saved.
    person = demo["users"]["kader_jago"]
    person.display_name = f"Jago {RLO}ogaJ"
    person.save()
    person.refresh_from_db()
    assert person.display_name == f"Jago {RLO}ogaJ{PDF}"
    # What reaches a notification's sentence (and an SMS) is contained too, whoever called notify().
    from portal.notifications.services import notify

    User = type(person)
    User.objects.filter(pk=person.pk).update(display_name=f"Mentah {RLO}x")  # as stored before this rule
    person.refresh_from_db()
    other = demo["users"]["fasilitator_jago"]
    notify(recipients=[other], kind="forum.mention", params={"thread": f"T {RLO}x"}, url="/", actor=person)
    note = Notification.objects.filter(recipient=other).latest("pk")
    assert all(v.count(RLO) == v.count(PDF) for v in note.params.values() if isinstance(v, str))
    assert note.text.count(RLO) == note.text.count(PDF)


def test_forms_drop_control_characters_and_keep_the_rest(demo):
    page = Client()
    page.force_login(demo["users"]["koordinator_ntb"])
    response = page.post(f"/areas/{DESA}/dusun/new/", {"name": "Dusun\x00 Baru\x07"})
    assert response.status_code == 302
    from portal.areas.models import Area

    assert Area.objects.filter(name="Dusun Baru").exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": 100_000_000_000_000_000, "page_size": 100}, "page"),
        ({"page": 2**63}, "page"),
        ({"page": -1}, "page"),
        ({"page_size": 101}, "page_size"),
        ({"since": 2**64}, "since"),
    ],
)
def test_numbers_that_become_offsets_are_bounded(demo, token_for, query, field):
    response = _api(demo["users"]["kader_jago"], token_for).get("/api/v1/notifications", query)
    assert response.status_code == 422 and field in response.json()["errors"], response.json()


def test_ids_beyond_64_bits_in_a_path(demo, token_for):
    client = _api(demo["users"]["kader_jago"], token_for)
    response = client.get(f"/api/v1/threads/{2**64}")
    assert response.status_code in (404, 422), response.status_code  # no such thread can exist
    page = Client()
    page.force_login(demo["users"]["kader_jago"])
    assert page.get(f"/forums/t/{2**64}/").status_code == 404


def test_full_text_queries_are_plain_terms(demo_full):
    for path in ("/cerita/", "/en/stories/", "/api/v2/pages/"):
        for q in ['"', "akta OR", "*", "NEAR(", "a\x00b", '"unterminated']:
            key = "search" if path.startswith("/api/") else "q"
            assert Client().get(path, {key: q}).status_code < 500, (path, q)
    page = Client()
    page.force_login(demo_full["users"]["kader_jago"])
    for q in ['"', "-", "akta & | !", "'"]:
        assert page.get("/forums/search/", {"q": q}).status_code == 200


def _project_form_classes():
    import cms
    import dashboard
    import forums
    import portal
    import referrals

    found = set()
    for package in (portal, forums, referrals, cms, dashboard):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in info.name or ".management" in info.name or info.name.endswith(".tests"):
                continue
            try:
                module = importlib.import_module(info.name)
            except Exception:  # noqa: S112 - a module that needs what a test has not set up
                continue
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.add(cls)
    return found


def test_every_form_of_the_project_applies_the_input_rules():
    classes = _project_form_classes()
    assert len(classes) >= 25, sorted(c.__name__ for c in classes)
    bare = sorted(
        f"{c.__module__}.{c.__name__}"
        for c in classes
        if not issubclass(c, CleanInputMixin) and not c.__name__.endswith("Mixin")
    )
    assert not bare, f"forms without portal.core.forms' rules: {bare}"


def test_every_text_field_of_a_project_form_has_a_length_limit(demo):
    unlimited = []
    for cls in _project_form_classes():
        try:
            form = cls()
        except (TypeError, ValueError):
            continue  # needs arguments only its view has; the harness sends it hostile values
        for name, field in form.fields.items():
            text_field = isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.HiddenInput
            )
            if text_field and (field.max_length is None or field.max_length > TEXT_MAX):
                unlimited.append(f"{cls.__name__}.{name}")
    assert not unlimited, unlimited
