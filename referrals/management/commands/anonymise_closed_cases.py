from django.core.management.base import BaseCommand, CommandError

from referrals.privacy import cases_anonymise, cases_due_for_anonymisation


class Command(BaseCommand):
    help = (
        "Blank the identity of every child case closed more than N days ago (name, NIK, day and month of birth, "
        "caregiver, phone, address, dusun, free-text notes), keeping counts, statuses, dates and the desa. "
        "Audited; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True, help="the retention period in days")
        parser.add_argument(
            "--dry-run", action="store_true", help="only say how many cases would be anonymised"
        )

    def handle(self, *args, older_than_days, dry_run, **options):
        if older_than_days < 0:
            raise CommandError("--older-than-days must be 0 or more")
        if dry_run:
            count = cases_due_for_anonymisation(older_than_days=older_than_days).count()
            self.stdout.write(f"{count} case(s) would be anonymised")
            return
        count = cases_anonymise(older_than_days=older_than_days)
        self.stdout.write(f"{count} case(s) anonymised")
