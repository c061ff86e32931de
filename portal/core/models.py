"""The platform's own tables (label `core`): the record of repeated submits (portal.core.idempotency)."""

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """One key a person sent with a POST (the API's `Idempotency-Key` header or a form's one-time token),
    and the first answer to it. `status` is null while the first request is still running.

    Only a hash of the key is stored; the answer's body is encrypted with a key derived from the client's key
    (portal.core.idempotency), so the table alone never reveals what an answer said (it may carry a child's
    identity). Rows older than 24 hours are dead and removed by `manage.py idempotency_purge`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)
    # What the key was first used for: the method and path, and for the API a hash of the body.
    request_path = models.CharField(max_length=400)
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key_hash"], name="idempotency_user_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self):
        return f"{self.request_path} by {self.user_id}: {self.status or 'running'}"
