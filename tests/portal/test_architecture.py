"""The layers of docs/ARCHITECTURE.md hold: the import contract of pyproject.toml (import-linter) is kept, and
the platform's registries are what the products plug into."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contract_is_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_products_plug_into_the_platform_registries():
    from portal.areas.panels import _PANELS
    from portal.core.demo import _SEEDERS
    from portal.core.navigation import sections
    from portal.people.permissions import _syncers

    names = [s[0] for s in sections()]
    for url_name in ("forums:my_forums", "referrals:case_list", "referrals:inbox", "dashboard:index"):
        assert url_name in names
    assert {"forums", "referrals", "cms"} <= set(_SEEDERS)
    assert "forums" in _PANELS
    assert _syncers


def test_production_settings_do_not_install_the_load_generator():
    from portal.settings import base

    assert "bench.loadgen" not in base.INSTALLED_APPS
