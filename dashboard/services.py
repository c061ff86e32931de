"""Writes of the dashboard: exports are audited like any view of identity data."""

from django.db import transaction

from portal.audit.services import audit_log

from .cases import IDENTITY_FIELDS


def indicators_export_record(*, actor, area, fmt: str, filters: dict, request=None) -> None:
    audit_log(
        actor=actor,
        action="dashboard.export",
        target=area,
        request=request,
        surface="export",
        detail={"format": fmt, "area": area.code, "filters": filters},
    )


@transaction.atomic
def cases_export_record(*, actor, cases, fmt: str, request=None) -> None:
    """One audit entry per exported case, so each case team reads the export in its case's trail."""
    for case in cases:
        audit_log(
            actor=actor,
            action="case.export",
            target=case,
            case_code=case.code,
            fields=list(IDENTITY_FIELDS),
            request=request,
            surface="export",
            detail={"format": fmt, "cases": len(cases)},
        )
