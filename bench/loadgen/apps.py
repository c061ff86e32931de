from django.apps import AppConfig


class LoadgenConfig(AppConfig):
    """Scale data (`manage.py generate_load_data`), its marker model `LoadRun` and the benchmark's baseline view.
    Dev-only: installed by the bench and test settings, never by production or `make run`."""

    name = "bench.loadgen"
    label = "loadgen"
    default_auto_field = "django.db.models.BigAutoField"
