import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.core.errors import NotFound
from referrals.privacy import child_data_export


class Command(BaseCommand):
    help = (
        "Write everything held about one child (by case code) as JSON, for the caregiver's request. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the case code, e.g. APM-5202-00042")
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument(
            "--actor", help="username of the staff member handling the request (for the audit)"
        )

    def handle(self, *args, code, output=None, actor=None, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"no user {actor!r}")
        try:
            data = child_data_export(code=code, actor=user)
        except NotFound as exc:
            raise CommandError(str(exc.message)) from exc
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stdout.write(f"written to {output}")
        else:
            self.stdout.write(text)
