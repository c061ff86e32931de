"""The whole site's JavaScript, gzip-compressed: every .js file of Pelita's own static files (each of the project's
apps' static/ and the project's static/, i.e. what the site's pages load) plus the assembled service worker /sw.js.
The back office's scripts (Django admin, Wagtail admin, the API docs: installed packages, not the site a cadre's
phone loads) are not counted. Budget: 20 KB (issue 16, docs/PERFORMANCE.md).
Each file is compressed on its own at gzip level 9 (as whitenoise stores it) and the sizes are added up: what a
phone downloads if it loads every script once.

    DJANGO_SETTINGS_MODULE=portal.settings.test python -m bench.js_budget
"""

import gzip

BUDGET = 20 * 1024


def js_sizes() -> dict[str, tuple[int, int]]:
    """{name: (raw bytes, gzipped bytes)} for every static script and /sw.js."""
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    from portal.core.serviceworker import service_worker_script

    base = Path(settings.BASE_DIR).resolve()
    sizes: dict[str, tuple[int, int]] = {}
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=["*.map"]):
            if not path.endswith(".js") or path in sizes:
                continue
            root = Path(storage.location).resolve()
            if not root.is_relative_to(base) or ".venv" in root.parts or "site-packages" in root.parts:
                continue
            with storage.open(path) as f:
                data = f.read()
            sizes[path] = (len(data), len(gzip.compress(data, 9)))
    sw = service_worker_script().encode()
    sizes["/sw.js"] = (len(sw), len(gzip.compress(sw, 9)))
    return sizes


def total_gzip(sizes=None) -> int:
    return sum(z for _raw, z in (sizes or js_sizes()).values())


def main() -> None:
    import django

    django.setup()
    sizes = js_sizes()
    for name, (raw, z) in sorted(sizes.items()):
        print(f"{name:48} {raw:7d} B  gzip {z:6d} B")
    total = total_gzip(sizes)
    print(
        f"{'total':48} {sum(r for r, _ in sizes.values()):7d} B  gzip {total:6d} B = {total / 1024:.1f} KB"
        f" (budget {BUDGET // 1024} KB): {'ok' if total <= BUDGET else 'OVER'}"
    )


if __name__ == "__main__":
    main()
