import csv
import shutil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.areas.models import Area, Level, ancestor_codes
from portal.areas.selectors import area_ancestors, area_descendants
from portal.areas.services import areas_load, hamlet_create
from portal.core.errors import Forbidden, InvalidInput
from tests.conftest import AREAS_DIR
from tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db


def test_subset_is_loaded_with_levels_and_parents():
    assert Area.objects.filter(level=Level.PROVINCE).count() == 2
    jago = Area.objects.get(code="52.02.01.2013")
    assert jago.name == "Jago" and jago.level == Level.VILLAGE
    assert jago.parent.code == "52.02.01" and jago.parent.parent.code == "52.02"
    assert jago.display_name == "Desa Jago"
    assert Area.objects.get(code="52.02").display_name == "Kab. Lombok Tengah"
    assert Area.objects.get(code="52.02.01").display_name == "Kec. Praya"


def test_reload_is_idempotent_and_skips_unchanged_data():
    before = Area.objects.count()
    assert areas_load(data_dir=AREAS_DIR)["skipped"] is True
    result = areas_load(data_dir=AREAS_DIR, force=True)
    assert result["created"] == 0 and result["updated"] == 0
    assert Area.objects.count() == before


def test_renamed_row_is_updated(tmp_path):
    data = tmp_path / "areas"
    shutil.copytree(AREAS_DIR, data)
    path = data / "villages.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        if row["code"] == "52.02.01.2013":
            row["name"] = "Jago Baru"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["code", "district_code", "name"])
        writer.writeheader()
        writer.writerows(rows)
    result = areas_load(data_dir=data)
    assert result == {"created": 0, "updated": 1, "unchanged": result["unchanged"], "skipped": False}
    assert Area.objects.get(code="52.02.01.2013").name == "Jago Baru"


def test_ancestors_and_descendants_in_one_query_each():
    jago = Area.objects.get(code="52.02.01.2013")
    with CaptureQueriesContext(connection) as ctx:
        ancestors = area_ancestors(area=jago)
    assert [a.code for a in ancestors] == ["52", "52.02", "52.02.01"]
    assert len(ctx.captured_queries) == 1
    loteng = Area.objects.get(code="52.02")
    with CaptureQueriesContext(connection) as ctx:
        below = list(area_descendants(area=loteng))
    assert len(ctx.captured_queries) == 1
    assert all(a.code.startswith("52.02.") for a in below)
    assert len(below) == Area.objects.filter(code__startswith="52.02.").count() > 100
    # A sibling whose code shares the prefix text (52.021...) would be wrong; the range is on the dot.
    assert not any(a.code == "52.02" for a in below)
    assert ancestor_codes("52.02.01.2013.01") == ["52", "52.02", "52.02.01", "52.02.01.2013"]


def test_descendant_query_uses_the_code_index():
    loteng = Area.objects.get(code="52.02")
    sql, params = area_descendants(area=loteng).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(r) for r in cursor.fetchall())
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(r[0] for r in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "Index" in plan


def test_hamlet_codes_extend_the_village_code():
    jago = Area.objects.get(code="52.02.01.2013")
    first = hamlet_create(village=jago, name="Jago Timur")
    second = hamlet_create(village=jago, name="Jago Barat")
    assert first.code == "52.02.01.2013.01" and second.code == "52.02.01.2013.02"
    assert first.level == Level.HAMLET and first.parent == jago
    with pytest.raises(InvalidInput):
        hamlet_create(village=jago, name="jago timur")
    with pytest.raises(InvalidInput):
        hamlet_create(village=jago.parent, name="Not a desa")
    with pytest.raises(InvalidInput):
        hamlet_create(village=jago, name="  ")


def test_only_a_coordinator_above_may_add_a_hamlet():
    jago = Area.objects.get(code="52.02.01.2013")
    coordinator = make_member(Area.objects.get(code="52.02"), role="koordinator")
    other = make_member(Area.objects.get(code="51"), role="koordinator")
    with pytest.raises(Forbidden):
        hamlet_create(village=jago, name="X", actor=other)
    with pytest.raises(Forbidden):
        hamlet_create(village=jago, name="X", actor=make_user())
    assert hamlet_create(village=jago, name="X", actor=coordinator).parent == jago


def test_areas_api(client):
    response = client.get("/api/v1/areas", {"parent": "52.02.01", "q": "Jago"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {"code": "52.02.01.2013", "name": "Jago", "level": "village", "parent": "52.02.01"}
    ]
    body = client.get("/api/v1/areas", {"level": "province"}).json()
    assert [a["code"] for a in body["results"]] == ["51", "52"]
    response = client.get("/api/v1/areas/52.02.01.2013")
    assert response.status_code == 200
    detail = response.json()
    assert [a["code"] for a in detail["ancestors"]] == ["52", "52.02", "52.02.01"]
    assert detail["ancestors"][0] == {"code": "52", "name": "NUSA TENGGARA BARAT", "level": "province"}
    assert detail["children_count"] == 0 and detail["parent"] == "52.02.01"
    assert client.get("/api/v1/areas/99.99").status_code == 404
    assert client.get("/api/v1/areas/99.99").json()["detail"]


def test_areas_api_rejects_bad_filters(client):
    response = client.get("/api/v1/areas", {"level": "planet"})
    assert response.status_code == 422
    assert "level" in response.json()["errors"]
    response = client.get("/api/v1/areas", {"page_size": 500})
    assert response.status_code == 422
    assert "page_size" in response.json()["errors"]


def test_area_browser_and_search_pages(client):
    page = client.get("/areas/52.02.01/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kec. Praya" in text and "/areas/52.02.01.2013/" in text and "ODbL" in text
    found = client.get("/areas/search/", {"q": "Jago"}).content.decode()
    assert "52.02.01.2013" in found
    assert client.get("/areas/77.77/").status_code == 404


def test_area_page_links_its_forum_for_members_and_overseers_only(demo):
    from django.test import Client

    member, outsider = Client(), Client()
    member.force_login(demo["users"]["kader_jago"])
    outsider.force_login(demo["users"]["kader_sukaraja"])
    assert "/forums/f/52.02.01.2013/" in member.get("/areas/52.02.01.2013/").content.decode()
    assert "/forums/f/52.02.01.2013/" not in outsider.get("/areas/52.02.01.2013/").content.decode()
    overseer = Client()
    overseer.force_login(demo["users"]["fasilitator_praya"])
    assert "/forums/f/52.02.01.2013/" in overseer.get("/areas/52.02.01.2013/").content.decode()


@pytest.mark.postgres
def test_name_search_uses_the_trigram_index_on_postgres():
    from portal.areas.selectors import area_search

    sql, params = area_search(q="jago").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'areas_area_name_upper_trgm'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
        # The test table is small, so make the planner show whether the index can serve the query at all.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(r[0] for r in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
        cursor.execute("SET enable_indexscan = on")
    assert "areas_area_name_upper_trgm" in plan
    assert [a.code for a in area_search(q="jago", parent="52.02.01")] == ["52.02.01.2013"]
