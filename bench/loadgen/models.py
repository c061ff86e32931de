from django.db import models


class LoadRun(models.Model):
    """The marker left by a finished `generate_load_data`: a second run with the same scale returns at once.
    `info` names the people and pages the benchmark uses (bench/run.py reads it)."""

    scale = models.CharField(max_length=16, unique=True)
    finished_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    counts = models.JSONField(default=dict)
    info = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.scale} load data ({self.finished_at:%Y-%m-%d})"
