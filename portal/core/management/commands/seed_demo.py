from django.core.management.base import BaseCommand, CommandError

from portal.core.demo import DemoRefused, seed_all


class Command(BaseCommand):
    help = "Create the demo of API.md (accounts, areas, agencies, forums, cases, stories). Idempotent."

    def handle(self, *args, **options):
        try:
            context = seed_all()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        created = context["created_users"]
        if created and context["password_generated"]:
            self.stdout.write(
                self.style.WARNING(
                    f"Demo accounts created ({', '.join(created)}). Their password, shown only this once: "
                    f"{context['password']}"
                )
            )
        elif created:
            self.stdout.write(
                f"Demo accounts created: {', '.join(created)} (password from PELITA_DEMO_PASSWORD)."
            )
        else:
            self.stdout.write("Demo data is up to date.")
