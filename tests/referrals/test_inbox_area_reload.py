"""The official area tree reloaded with a renamed kecamatan (a bulk update: no Area signal) shows at once on the
cached agency inbox (the rows' "Kec." and the kecamatan filter)."""

import shutil

import pytest

from portal.areas.services import areas_load
from tests.conftest import AREAS_DIR

from .test_inbox_pagecache import ALL, _get, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_reloaded_area_tree_renames_show_on_the_inbox(world, client, tmp_path):  # noqa: F811
    data = tmp_path / "areas"
    shutil.copytree(AREAS_DIR, data)
    districts = data / "districts.csv"
    districts.write_text(districts.read_text().replace("52.02.01,52.02,Praya", "52.02.01,52.02,Praya Baru"))
    client.force_login(world["users"]["dukcapil_loteng_1"])
    _get(client, ALL)
    before = _get(client, ALL)
    assert before["X-Page-Cache"] == "hit" and "Praya Baru" not in before.content.decode()
    assert areas_load(data_dir=data, force=True)["updated"] == 1
    assert "Praya Baru" in _get(client, ALL).content.decode()
