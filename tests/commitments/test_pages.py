"""The commitments pages: the kabupaten page with its villages, entering a line in Indonesian money format,
policies through their lifecycle, the area panel, the card, the dashboard section and exports, the demo."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import BudgetLine, Policy, PolicyStatus
from portal.audit.models import AuditEntry

JAGO = "52.02.01.2013"


def text(response) -> str:
    """The page as a person reads it: tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_kabupaten_coordinator_lands_on_the_villages_of_the_year(seeded):
    """Done when: a kabupaten coordinator sees which villages committed how much this year, from which source,
    and how much was spent, in two clicks (home -> Komitmen)."""
    client = login(seeded["users"]["koordinator_loteng"])
    home = client.get("/home/").content.decode()
    assert 'href="/commitments/"' in home
    page = client.get("/commitments/", follow=True)
    assert page.redirect_chain[-1][0] == "/commitments/a/52.02/"
    shown = text(page)
    assert "Desa Jago" in shown and "Desa Sukaraja" in shown
    assert "Rp 43.500.000" in shown  # Desa Jago's plan this year (demo)
    assert "Dana Desa: Rp 25.000.000" in shown  # from which source
    assert "Rp 20.250.000" in shown  # and how much was spent
    assert "Tambah baris anggaran" in shown


def test_the_public_page_shows_the_same_without_login(seeded):
    anon = text(Client().get("/commitments/a/52.02/"))
    assert "Desa Jago" in anon and "Rp 43.500.000" in anon and "Dana Desa: Rp 25.000.000" in anon
    assert "Tambah baris anggaran" not in anon
    assert "Rancangan Perdes" not in anon  # a draft is not public
    assert Client().get("/commitments/a/52/").status_code == 200
    province = Client().get("/commitments/a/52/").content.decode()  # links are in the markup
    assert (
        "400/10/BP3AKB" in province
        and reverse("commitments:policy_document", args=[Policy.objects.get(number="400/10/BP3AKB").pk])
        in province
    )


def test_entering_a_line_with_indonesian_amounts_and_errors_keep_what_was_typed(seeded):
    client = login(seeded["users"]["fasilitator_jago"])
    url = reverse("commitments:line_new", args=[JAGO])
    bad = client.post(
        url,
        {"year": "2026", "source": "dana_desa", "activity": "Posyandu remaja", "planned_idr": "12,5 juta"},
    )
    text = bad.content.decode()
    assert bad.status_code == 200 and "Ketik jumlah rupiah bulat" in text
    assert 'value="Posyandu remaja"' in text and 'value="12,5 juta"' in text
    good = client.post(url, {"year": "2026", "source": "dana_desa", "activity": "Posyandu remaja", "planned_idr": "Rp 12.500.000",
                             "realised_idr": "2.500.000", "field_code": "2.2", "services": []})  # fmt: skip
    assert good.status_code == 302
    line = BudgetLine.objects.get(activity="Posyandu remaja")
    assert (line.planned_idr, line.realised_idr, line.field_code) == (12_500_000, 2_500_000, "2.2")
    page = client.get(reverse("commitments:area", args=[JAGO]) + "?year=2026").content.decode()
    assert "Rp 12.500.000" in page and "2.2 Kesehatan" in page
    edit = client.get(reverse("commitments:line_edit", args=[line.pk])).content.decode()
    assert 'value="12.500.000"' in edit
    assert AuditEntry.objects.filter(action="commitments.line_create", actor_name="fasilitator_jago").exists()


def test_a_policy_through_its_lifecycle_on_the_pages(seeded):
    client = login(seeded["users"]["koordinator_ntb"])
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    pdf.name = "perdes.pdf"
    response = client.post(reverse("commitments:policy_new", args=["52.02.06.2001"]), {
        "kind": "perdes", "number": "3 Tahun 2026", "title": "Perdes Layanan Anak", "issuing_body": "Kepala Desa Sukaraja",
        "status": "draft", "document": pdf})  # fmt: skip
    assert response.status_code == 302
    policy = Policy.objects.get(title="Perdes Layanan Anak")
    action = reverse("commitments:policy_action", args=[policy.pk])
    refused = client.post(action, {"action": "publish"}, follow=True)
    assert "Rancangan tidak dapat diterbitkan" in refused.content.decode()
    client.post(action, {"action": "enact"})
    client.post(action, {"action": "publish"})
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.ENACTED and policy.is_published and policy.issued_on
    assert Client().get(reverse("commitments:policy_document", args=[policy.pk])).status_code == 200
    again = client.post(action, {"action": "enact"}, follow=True)
    assert "tidak dapat" in again.content.decode()


def test_the_area_panel_and_the_card(seeded):
    page = Client().get(f"/areas/{JAGO}/").content.decode()
    assert "Kebijakan dan anggaran Desa Jago" in page and "Rp 43.500.000" in page
    assert "Perlindungan Anak Pekerja Migran di Desa Jago" in page
    card = Client().get(reverse("commitments:card", args=[JAGO])).content.decode()
    assert "Kartu komitmen" in card and "Rp 43.500.000" in card
    assert "400/10/BP3AKB" in card  # the province's circular applies in the village
    assert "musyawarah desa" in card


def test_the_dashboard_section_exports_and_public_page(seeded):
    client = login(seeded["users"]["koordinator_ntb"])
    page = client.get("/dashboard/?area=52.02").content.decode()
    assert "Komitmen: kebijakan dan anggaran" in page and "Rp 523.250.000" in page
    csv_text = client.get("/dashboard/export.csv?area=52.02").content.decode("utf-8-sig")
    assert "Anggaran per sumber" in csv_text and "523250000" in csv_text
    from openpyxl import load_workbook

    xlsx = client.get("/dashboard/export.xlsx?area=52.02").content
    sheets = load_workbook(io.BytesIO(xlsx)).sheetnames
    assert any(name.startswith("Desa ") for name in sheets)
    api = client.get("/api/v1/indicators?area=52.02").json()
    assert api["sections"]["commitments"]["planned_idr"] == 523_250_000
    public = Client().get("/dashboard/public/?area=52.02").content.decode()
    assert "Komitmen: kebijakan dan anggaran" in public and "Rp 523.250.000" in public
    own = Client().get(reverse("commitments:export", args=["52.02", "xlsx"]) + "?year=2026")
    assert own.status_code == 200 and own["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_demo_is_idempotent_and_seeds_the_circular_for_province_52(seeded):
    from commitments import demo as commitments_demo

    counts = (Policy.objects.count(), BudgetLine.objects.count())
    commitments_demo.seed(seeded)
    assert (Policy.objects.count(), BudgetLine.objects.count()) == counts
    circular = Policy.objects.get(number="400/10/BP3AKB")
    assert circular.area_code == "52" and circular.kind == "se_gubernur" and circular.is_published
    assert str(circular.issued_on) == "2017-01-18" and circular.document.open("rb").read(5) == b"%PDF-"
    years = set(BudgetLine.objects.filter(area_code=JAGO).values_list("year", flat=True))
    assert len(years) == 2
    assert BudgetLine.objects.filter(area_code="52.02").exists()
    assert Policy.objects.filter(area_code=JAGO, kind="perdes", status="enacted").exists()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pages_render_in_both_languages(seeded, lang):
    client = login(seeded["users"]["koordinator_loteng"])
    client.cookies["pelita_language"] = lang
    text = client.get("/commitments/a/52.02/").content.decode()
    assert ("Komitmen" if lang == "id" else "Commitments") in text
