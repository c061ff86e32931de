from django.core.management.base import BaseCommand, CommandError

from bench.loadgen.generate import DEFAULT_PASSWORD, SCALES, LoadDataRefused, generate


class Command(BaseCommand):
    help = (
        "Generate load-test data once (refuses production settings): the national area tree, a forum for every "
        "area of NTB, people in every role and, at national scale, 1,000,000 posts in 50,000 threads, "
        "100,000 child cases and 300,000 referrals. A second run with the same scale returns at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="The password of every generated person (lg_…)."
        )
        parser.add_argument(
            "--areas-dir", help="Area CSV folder for load_areas (default: the official data)."
        )

    def handle(self, *args, scale, password, areas_dir=None, verbosity=1, **options):
        def log(line):
            if verbosity >= 1:
                self.stdout.write(line)

        try:
            generate(scale=scale, password=password, areas_dir=areas_dir, log=log)
        except LoadDataRefused as exc:
            raise CommandError(str(exc)) from exc
