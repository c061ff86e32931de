"""Who may do what (commitments/permissions.py): every write service and every page, discovered from the services
module and the URL resolver, against a table of people; private files are served to those entitled only."""

import datetime as dt
import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, reverse

from commitments import services
from commitments.models import BudgetLine, EvidenceDocument, ImportBatch, Policy
from portal.core.errors import Forbidden, NotFound
from tests.factories import area, make_member

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
JAGO = "52.02.01.2013"


@pytest.fixture
def people(demo):
    users = dict(demo["users"])
    users["anonymous"] = AnonymousUser()
    users["koordinator_bali"] = make_member(area("51"), role="koordinator", username="koordinator_bali")
    users["anggota_loteng"] = make_member(area("52.02"), role="anggota", username="anggota_loteng")
    return users


@pytest.fixture
def objects(people):
    admin = people["admin"]
    jago = area(JAGO)
    policy = services.policy_create(actor=admin, area=jago, kind="perdes", title="Perdes APM", issuing_body="Kades",
                                    status="enacted", issued_on=dt.date(2026, 1, 5),
                                    document=SimpleUploadedFile("perdes.pdf", PDF))  # fmt: skip
    draft = services.policy_create(
        actor=admin, area=jago, kind="sk_kades", title="SK draf", issuing_body="Kades"
    )
    line = services.budget_line_create(actor=admin, area=jago, year=2026, source="dana_desa",
                                       activity="Akta keliling", planned_idr=10_000_000)  # fmt: skip
    evidence = services.evidence_add(actor=admin, line=line, title="Laporan",
                                     file=SimpleUploadedFile("laporan.pdf", PDF))  # fmt: skip
    return {"policy": policy, "draft": draft, "line": line, "evidence": evidence, "jago": jago}


# Who records Desa Jago's commitments: its facilitator, the facilitator of Kec. Praya above it, the provincial
# coordinator, the superuser. Nobody else: not its members or case workers, not a coordinator of another province.
RECORDERS = {"fasilitator_jago", "fasilitator_praya", "koordinator_ntb", "admin"}
PEOPLE = ["anonymous", "kader_jago", "pendamping_jago", "kader_sukaraja", "dukcapil_loteng_1", "editor",
          "anggota_loteng", "koordinator_bali", *sorted(RECORDERS)]  # fmt: skip


def _recipes(o, actor):
    """How to call each write service on Desa Jago's objects (the test fails when a service has no recipe)."""
    jago = o["jago"]
    return {
        "policy_create": lambda: services.policy_create(actor=actor, area=jago, kind="perdes", title="Baru", issuing_body="Kades"),
        "policy_update": lambda: services.policy_update(actor=actor, policy=o["draft"], title="Judul baru"),
        "policy_transition": lambda: services.policy_transition(actor=actor, policy=o["draft"], action="enact"),
        "policy_publish": lambda: services.policy_publish(actor=actor, policy=o["policy"]),
        "budget_line_create": lambda: services.budget_line_create(actor=actor, area=jago, year=2026, source="add", activity="Kelas pengasuhan", planned_idr=5_000_000),
        "budget_line_update": lambda: services.budget_line_update(actor=actor, line=o["line"], planned_idr=11_000_000),
        "budget_line_delete": lambda: services.budget_line_delete(actor=actor, line=o["line"]),
        "evidence_add": lambda: services.evidence_add(actor=actor, line=o["line"], title="Foto", file=SimpleUploadedFile("f.pdf", PDF)),
        "import_preview": lambda: services.import_preview(actor=actor, area=jago, upload=SimpleUploadedFile("a.csv", b"tahun,sumber_dana,kegiatan,anggaran\n2026,DD,Posyandu,1000\n")),
        "import_apply": lambda: services.import_apply(actor=actor, batch=ImportBatch.objects.create(area=jago, filename="a.csv", sha256="x", rows=[], created_by=actor if actor.is_authenticated else o["line"].created_by)),
    }  # fmt: skip


def write_services():
    return sorted(
        name
        for name, fn in inspect.getmembers(services, inspect.isfunction)
        if fn.__module__ == services.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(fn).parameters
        and name not in ("import_batch_get",)  # a read of one's own import
    )


def test_every_write_service_has_a_recipe(people, objects):
    assert set(write_services()) == set(_recipes(objects, people["admin"]))


@pytest.mark.parametrize("service", write_services())
@pytest.mark.parametrize("who", PEOPLE)
def test_write_services_follow_the_table(people, objects, who, service):
    call = _recipes(objects, people[who])[service]
    if who in RECORDERS:
        call()
    else:
        with pytest.raises((Forbidden, NotFound)):
            call()


def test_a_facilitator_records_only_their_own_subtree(people, objects):
    with pytest.raises(Forbidden):
        services.budget_line_create(actor=people["fasilitator_jago"], area=area("52.02.06.2001"), year=2026,
                                    source="add", activity="x", planned_idr=1)  # fmt: skip
    with pytest.raises(Forbidden):  # a kecamatan facilitator does not record the kabupaten's budget
        services.budget_line_create(actor=people["fasilitator_praya"], area=area("52.02"), year=2026,
                                    source="apbd_kabupaten", activity="x", planned_idr=1)  # fmt: skip


# --- pages ----------------------------------------------------------------------------------------------------

PUBLIC_PAGES = {"index", "area", "card", "export", "import_template", "policy_document"}


def _urls(o, batch):
    kwargs = {"code": JAGO, "fmt": "csv"}
    pk_for = {"line_edit": o["line"].pk, "line_delete": o["line"].pk, "evidence_new": o["line"].pk,
              "evidence_file": o["evidence"].pk, "policy_edit": o["policy"].pk, "policy_action": o["policy"].pk,
              "policy_document": o["policy"].pk, "import_preview": batch.pk}  # fmt: skip
    urls = {}
    resolver = get_resolver()
    (commitments_urls,) = [p for p in resolver.url_patterns if getattr(p, "namespace", None) == "commitments"]
    for pattern in commitments_urls.url_patterns:
        params = pattern.pattern.converters
        args = {k: (pk_for[pattern.name] if k == "pk" else kwargs[k]) for k in params}
        urls[pattern.name] = reverse(f"commitments:{pattern.name}", kwargs=args)
    return urls


@pytest.fixture
def published(objects):
    services.policy_publish(actor=objects["line"].created_by, policy=objects["policy"])
    return objects


@pytest.mark.parametrize("who", ["anonymous", "kader_jago", "koordinator_bali", "fasilitator_jago"])
def test_every_page_answers_by_the_table(people, published, who):
    owner = people["admin"]
    batch = ImportBatch.objects.create(
        area=published["jago"], filename="a.csv", sha256="x", rows=[], created_by=owner
    )
    client = Client()
    if who != "anonymous":
        client.force_login(people[who])
    for name, url in _urls(published, batch).items():
        response = client.get(url)
        if name == "index" and who in ("koordinator_bali", "fasilitator_jago"):
            assert response.status_code == 302  # a recorder lands on the first area they record
        elif name in PUBLIC_PAGES:
            assert response.status_code == 200, (name, response.status_code)
        elif who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
        elif name in ("line_delete", "policy_action"):
            assert response.status_code == 405, name  # POST only
        elif name == "import_preview":
            assert response.status_code == 404, name  # someone else's import
        elif who == "fasilitator_jago":
            assert response.status_code == 200, (name, response.status_code)
        elif name == "evidence_file":
            assert response.status_code == 404, name
        else:
            assert response.status_code == 403, (name, response.status_code)


def test_documents_are_private_until_published_and_evidence_always(people, objects):
    anon, member, recorder = Client(), Client(), Client()
    member.force_login(people["kader_jago"])
    recorder.force_login(people["fasilitator_jago"])
    doc_url = reverse("commitments:policy_document", args=[objects["policy"].pk])
    evidence_url = reverse("commitments:evidence_file", args=[objects["evidence"].pk])
    assert anon.get(doc_url).status_code == 404
    assert member.get(doc_url).status_code == 404
    response = recorder.get(doc_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    services.policy_publish(actor=people["fasilitator_jago"], policy=objects["policy"])
    assert anon.get(doc_url).status_code == 200
    # Evidence stays with the recorders.
    assert anon.get(evidence_url).status_code == 302
    assert member.get(evidence_url).status_code == 404
    assert recorder.get(evidence_url).status_code == 200
    # Files live outside MEDIA_ROOT and have no URL.
    from django.conf import settings

    path = EvidenceDocument.objects.get().file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        EvidenceDocument.objects.get().file.url  # noqa: B018


def test_a_draft_is_invisible_to_those_who_do_not_record(people, objects, token_for):
    client = Client()
    for who, sees in (("kader_jago", False), ("fasilitator_jago", True), ("koordinator_bali", False)):
        body = client.get(f"/api/v1/commitments?area={JAGO}&kind=policy",
                          HTTP_AUTHORIZATION=token_for(people[who])).json()  # fmt: skip
        titles = {item["title"] for item in body["results"]}
        assert ("SK draf" in titles) is sees
        assert ("Perdes APM" in titles) is sees  # enacted but not yet published


def test_unchecked_uploads_are_refused(people, objects):
    from portal.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.policy_create(actor=people["admin"], area=objects["jago"], kind="perdes", title="x", issuing_body="y",
                               document=SimpleUploadedFile("perdes.pdf", b"<html><script>alert(1)</script>"))  # fmt: skip
    assert "document" in exc.value.errors
    with pytest.raises(InvalidInput):
        services.evidence_add(actor=people["admin"], line=objects["line"], title="x",
                              file=SimpleUploadedFile("x.exe", b"MZ\x90\x00"))  # fmt: skip
    assert Policy.objects.filter(title="x").count() == 0
    assert BudgetLine.objects.count() == 1
