from django.apps import AppConfig


class LoadgenConfig(AppConfig):
    """Scale data (`manage.py generate_load_data`) and the benchmark's baseline view. No models."""

    name = "portal.loadgen"
    label = "loadgen"
    default_auto_field = "django.db.models.BigAutoField"
