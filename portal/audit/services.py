from django.db import models

from .models import AuditEntry


def _client_ip(request) -> str | None:
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or None) if forwarded else request.META.get("REMOTE_ADDR")


def audit_log(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    case_code: str = "",
    fields=(),
    request=None,
    surface: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the action's transaction so both land or neither does.
    Never put a child's identity in `detail`: name the fields that were seen, not their values."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if not surface and request is not None:
        surface = "api" if request.path.startswith("/api/") else "page"
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        case_code=case_code,
        fields=list(fields),
        surface=surface or "command",
        ip=_client_ip(request),
        detail=detail or {},
    )
