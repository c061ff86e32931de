import sys
import time

from django.core.management.base import BaseCommand

from portal.areas.services import areas_load


class Command(BaseCommand):
    help = "Load the official Kemendagri area tree (idempotent). Area data: idn-area-data by fityannugroho, ODbL 1.0."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", help="Folder with provinces/regencies/districts/villages CSV (or .csv.gz)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Compare every row even if the data is unchanged."
        )

    def handle(self, *args, data_dir=None, force=False, verbosity=1, **options):
        started = time.monotonic()
        show = verbosity >= 1 and sys.stdout.isatty()

        def progress(name, done, total):
            if show:
                width = 30
                filled = int(width * done / total) if total else width
                self.stdout.write(
                    f"\r{name:<15} [{'#' * filled}{'.' * (width - filled)}] {done:>6}/{total}", ending=""
                )
                if done == total:
                    self.stdout.write("")

        result = areas_load(data_dir=data_dir, force=force, progress=progress)
        took = time.monotonic() - started
        if result["skipped"]:
            self.stdout.write(f"Areas are up to date ({result['unchanged']} official areas). {took:.1f}s")
        else:
            self.stdout.write(
                f"Areas loaded: {result['created']} created, {result['updated']} renamed, "
                f"{result['unchanged']} unchanged in {took:.1f}s. Area data: idn-area-data by fityannugroho, ODbL 1.0."
            )
