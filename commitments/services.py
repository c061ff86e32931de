"""Writes of commitments: policies, budget lines, evidence and imports. Keyword-only, atomic, validated with
full_clean(), audited; each checks that the actor records the area (permissions.py) and raises
portal.core.errors (Forbidden 403, Conflict 409, InvalidInput 422)."""

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.areas.models import Area
from portal.audit.services import audit_log
from portal.core.errors import Conflict, Forbidden, InvalidInput, NotFound

from . import imports
from .models import (
    POLICY_TRANSITIONS,
    BudgetLine,
    EvidenceDocument,
    FundSource,
    ImportBatch,
    LineOrigin,
    Policy,
    PolicyStatus,
)
from .permissions import COMMITTING_LEVELS, user_records_area
from .selectors import bump_version
from .uploads import check_evidence_upload, check_policy_document


def _require_recorder(actor, area: Area) -> None:
    if area.level not in COMMITTING_LEVELS:
        msg = _("Commitments are recorded for a desa, kecamatan, kabupaten or province, not a dusun.")
        raise InvalidInput(msg, errors={"area": [msg]})
    if not user_records_area(user=actor, area=area):
        raise Forbidden(
            _(
                "Only the coordinators and facilitators of %(area)s (or of an area above it) record its commitments."
            )
            % {"area": area.display_name}
        )


def _save(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc
    obj.save()


# --- policies ------------------------------------------------------------------------------------------------

POLICY_FIELDS = ("kind", "number", "title", "issued_on", "issuing_body", "summary")


@transaction.atomic
def policy_create(
    *,
    actor,
    area: Area,
    kind: str,
    title: str,
    issuing_body: str,
    number: str = "",
    issued_on: dt.date | None = None,
    status: str = PolicyStatus.DRAFT,
    services=(),
    summary: str = "",
    document=None,
    request=None,
) -> Policy:
    """A policy of the area (a Perdes, SK, Perbup, SE, task-force decree, MoU), draft or already enacted.
    `document`: an uploaded PDF, stored privately (storage.py). Forbidden unless the actor records the area."""
    _require_recorder(actor, area)
    if status not in (PolicyStatus.DRAFT, PolicyStatus.ENACTED):
        msg = _("A new policy is a draft or enacted.")
        raise InvalidInput(msg, errors={"status": [msg]})
    policy = Policy(
        area=area,
        area_code=area.code,
        kind=kind,
        number=(number or "").strip(),
        title=(title or "").strip(),
        issued_on=issued_on,
        issuing_body=(issuing_body or "").strip(),
        status=status,
        summary=summary or "",
        created_by=actor,
    )
    if document is not None:
        check_policy_document(document)
        policy.document = document
    _save(policy)
    policy.services.set(services)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.policy_create", target=policy, request=request,
              detail={"area": area.code, "status": status})  # fmt: skip
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, services=None, document=None, request=None, **fields) -> Policy:
    """Change the policy's details (POLICY_FIELDS), services or document. Its status changes through
    policy_transition only."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _require_recorder(actor, policy.area)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(policy, name, value.strip() if isinstance(value, str) and name != "summary" else value)
    if document is not None:
        check_policy_document(document)
        policy.document = document
    _save(policy)
    if services is not None:
        policy.services.set(services)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.policy_update", target=policy, request=request,
              fields=sorted([*fields, *(["services"] if services is not None else []), *(["document"] if document else [])]))  # fmt: skip
    return policy


@transaction.atomic
def policy_transition(
    *,
    actor,
    policy: Policy,
    action: str,
    on: dt.date | None = None,
    replaced_by: Policy | None = None,
    request=None,
) -> Policy:
    """enact (draft -> enacted), revoke or replace (enacted -> revoked / replaced, from `on`, default today).
    Conflict (409) when the action is not allowed from the policy's status."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _require_recorder(actor, policy.area)
    if action not in POLICY_TRANSITIONS:
        msg = _("Unknown action %(a)s.") % {"a": action}
        raise InvalidInput(msg, errors={"action": [msg]})
    sources, target = POLICY_TRANSITIONS[action]
    if policy.status not in sources:
        raise Conflict(
            _("A policy that is %(status)s cannot be %(action)s.")
            % {"status": policy.get_status_display().lower(), "action": ACTION_LABELS[action].lower()}
        )
    on = on or timezone.localdate()
    if action == "enact":
        policy.issued_on = policy.issued_on or on
    else:
        policy.ended_on = on
    if action == "replace":
        if replaced_by is None or replaced_by.pk == policy.pk:
            msg = _("Choose the policy that replaces this one.")
            raise InvalidInput(msg, errors={"replaced_by": [msg]})
        policy.replaced_by = replaced_by
    policy.status = target
    _save(policy)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action=f"commitments.policy_{action}", target=policy, request=request,
              detail={"status": target})  # fmt: skip
    return policy


ACTION_LABELS = {"enact": _("Enacted"), "revoke": _("Revoked"), "replace": _("Replaced")}


@transaction.atomic
def policy_publish(*, actor, policy: Policy, publish: bool = True, request=None) -> Policy:
    """Publish (anyone sees the policy and its document) or withdraw it from publication. A draft cannot be
    published (Conflict)."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _require_recorder(actor, policy.area)
    if publish and policy.status == PolicyStatus.DRAFT:
        raise Conflict(_("A draft cannot be published: enact it first."))
    policy.published_at = timezone.now() if publish else None
    _save(policy)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.policy_publish" if publish else "commitments.policy_unpublish",
              target=policy, request=request)  # fmt: skip
    return policy


# --- budget lines --------------------------------------------------------------------------------------------

LINE_FIELDS = (
    "year", "source", "activity", "activity_code", "field_code", "planned_idr", "realised_idr", "realised_on",
    "notes", "proposal_id",
)  # fmt: skip


def _check_proposal(proposal_id):
    if proposal_id is None:
        return
    from .proposals import accepted_proposal

    if accepted_proposal(id=proposal_id) is None:
        msg = _("No accepted forum proposal has this number.")
        raise InvalidInput(msg, errors={"proposal_id": [msg]})


def _check_source_field(line: BudgetLine):
    if line.source not in FundSource.values:
        msg = _("Choose one of the sources.")
        raise InvalidInput(msg, errors={"source": [msg]})


@transaction.atomic
def budget_line_create(
    *,
    actor,
    area: Area,
    year: int,
    source: str,
    activity: str,
    planned_idr: int,
    activity_code: str = "",
    field_code: str = "",
    services=(),
    realised_idr: int | None = None,
    realised_on: dt.date | None = None,
    notes: str = "",
    proposal_id: int | None = None,
    request=None,
) -> BudgetLine:
    """A budget line of the area for a fiscal year: amounts in integer rupiah. Forbidden unless the actor records
    the area; InvalidInput for amounts that are not whole non-negative rupiah, an unknown field code, ..."""
    _require_recorder(actor, area)
    _check_proposal(proposal_id)
    line = BudgetLine(
        area=area,
        area_code=area.code,
        year=year,
        source=source,
        activity=(activity or "").strip(),
        activity_code=(activity_code or "").strip(),
        field_code=field_code or "",
        planned_idr=planned_idr,
        realised_idr=realised_idr,
        realised_on=realised_on,
        notes=notes or "",
        proposal_id=proposal_id,
        origin=LineOrigin.MANUAL,
        created_by=actor,
    )
    _check_source_field(line)
    _save(line)
    line.services.set(services)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.line_create", target=line, request=request,
              detail={"area": area.code, "year": year, "source": source})  # fmt: skip
    return line


@transaction.atomic
def budget_line_update(*, actor, line: BudgetLine, services=None, request=None, **fields) -> BudgetLine:
    """Change a line (LINE_FIELDS, services). An imported line changed by hand becomes a hand-entered line, so a
    later import never overwrites what a person corrected."""
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    _require_recorder(actor, line.area)
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "proposal_id" in fields and fields["proposal_id"] != line.proposal_id:
        _check_proposal(fields["proposal_id"])
    for name, value in fields.items():
        setattr(line, name, value.strip() if isinstance(value, str) and name not in ("notes",) else value)
    if line.origin == LineOrigin.IMPORT:
        line.origin, line.import_key = LineOrigin.MANUAL, ""
    _check_source_field(line)
    _save(line)
    if services is not None:
        line.services.set(services)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.line_update", target=line, request=request,
              fields=sorted([*fields, *(["services"] if services is not None else [])]))  # fmt: skip
    return line


@transaction.atomic
def budget_line_delete(*, actor, line: BudgetLine, request=None) -> None:
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    _require_recorder(actor, line.area)
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.line_delete", target=line, request=request,
              detail={"area": line.area_code, "year": line.year})  # fmt: skip
    line.delete()


@transaction.atomic
def evidence_add(*, actor, line: BudgetLine, title: str, file, request=None) -> EvidenceDocument:
    """Attach a proof of spending (PDF, image, spreadsheet or document), stored privately."""
    _require_recorder(actor, line.area)
    check_evidence_upload(file)
    doc = EvidenceDocument(
        line=line, title=(title or "").strip() or file.name[:200], file=file, uploaded_by=actor
    )
    _save(doc)
    BudgetLine.objects.filter(pk=line.pk).update(updated_at=timezone.now())
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.evidence_add", target=doc, request=request)
    return doc


# --- imports -------------------------------------------------------------------------------------------------


@transaction.atomic
def import_preview(*, actor, area: Area, upload, request=None) -> ImportBatch:
    """Read an uploaded CSV/XLSX budget file (imports.py) and keep it as a preview: every row with its
    errors (in the person's language) and what applying it would do (create, update, unchanged). Nothing is
    written to the budget. InvalidInput for a file that cannot be read at all (too big, too many rows, not CSV or
    XLSX, no header)."""
    _require_recorder(actor, area)
    data = imports.read_upload(upload)
    digest = hashlib.sha256(data).hexdigest()
    rows = imports.parse(data, filename=upload.name or "", area=area)
    imports.plan(rows, area=area)
    batch = ImportBatch(
        area=area, filename=(upload.name or "")[:200], sha256=digest, rows=rows, created_by=actor
    )
    batch.save()
    audit_log(actor=actor, action="commitments.import_preview", target=batch, request=request,
              detail={"area": area.code, "rows": len(rows)})  # fmt: skip
    return batch


def import_batch_get(*, actor, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("area").filter(pk=batch_id, created_by=actor).first()
    if batch is None:
        raise NotFound(_("This import does not exist or is not yours."))
    return batch


@transaction.atomic
def import_apply(*, actor, batch: ImportBatch, request=None) -> dict:
    """Apply a previewed import once: create the new lines, update imported lines whose figures changed, leave
    the rest. Rows with errors are left out; hand-entered lines are never touched. Applying a batch again, or
    importing the same file again, changes nothing. Returns {"created", "updated", "unchanged", "skipped"}."""
    batch = ImportBatch.objects.select_for_update().select_related("area").get(pk=batch.pk)
    if batch.created_by_id != actor.pk:
        raise NotFound(_("This import does not exist or is not yours."))
    _require_recorder(actor, batch.area)
    if batch.status == ImportBatch.Status.APPLIED:
        raise Conflict(_("This file was already imported on %(when)s.") % {
            "when": timezone.localtime(batch.applied_at).strftime("%d/%m/%Y %H:%M")})  # fmt: skip
    result = imports.apply(batch.rows, area=batch.area, actor=actor)
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.result = result
    batch.save(update_fields=["status", "applied_at", "result"])
    transaction.on_commit(bump_version)
    audit_log(actor=actor, action="commitments.import_apply", target=batch, request=request, detail=result)
    return result


def import_limits() -> dict:
    return {"max_bytes": imports.max_bytes(), "max_rows": imports.MAX_ROWS}
