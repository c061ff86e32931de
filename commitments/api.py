"""The commitments API (API.md, additions of 2026-11-29):

- `GET /api/v1/commitments?area=&year=&kind=&page=&page_size=` (authenticated): the policies and budget lines of
  an area's subtree the caller may see (published policies, every budget line; a recorder sees drafts too),
  `{"count", "results"}`, policies first, each in id order. Items: `{"id", "area", "year", "kind": "policy" |
  "budget", "title", "services", "created_at", "updated_at", ...}`; a policy adds `"policy_kind", "number",
  "issued_on", "issuing_body", "status", "published", "document_url"`; a budget line adds `"source",
  "activity_code", "field", "planned_idr", "realised_idr", "realised_on", "proposal", "origin"` (money as
  integer rupiah). `id` is unique per kind.
- `POST /api/v1/commitments` `{"kind": "policy" | "budget", "area", ...}` -> 201 the item; 403 unless the caller
  records the area (a coordinator or facilitator of it or above), 422 with the fields named.
- `GET /api/v1/public/commitments?area=&year=` (anyone): the roll-up of a province, kabupaten or kecamatan (no
  area: the country) — selectors.rollup's shape; children counts as the public indicators publish them."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from portal.agencies.models import Service
from portal.areas.selectors import area_get
from portal.core.errors import InvalidInput
from portal.core.pagination import MAX_PAGE_SIZE
from portal.core.schemas import Date, Line, Text

from . import services
from .models import BudgetLine, FundSource, Policy, PolicyKind
from .money import MAX_IDR
from .selectors import commitments_for_api, policy_public_dict, public_rollup

router = Router(tags=["commitments"])


def _time(value):
    return timezone.localtime(value).isoformat() if value else None


def _common(obj, kind, year, title):
    return {
        "id": obj.pk,
        "area": obj.area_code,
        "year": year,
        "kind": kind,
        "title": title,
        "services": sorted(s.slug for s in obj.services.all()),
        "created_at": _time(obj.created_at),
        "updated_at": _time(obj.updated_at),
    }


def policy_item(p: Policy) -> dict:
    return {
        **_common(p, "policy", p.issued_on.year if p.issued_on else None, p.title),
        "policy_kind": p.kind,
        "number": p.number,
        "issued_on": p.issued_on.isoformat() if p.issued_on else None,
        "issuing_body": p.issuing_body,
        "status": p.status,
        "ended_on": p.ended_on.isoformat() if p.ended_on else None,
        "published": p.is_published,
        "document_url": policy_public_dict(p)["document_url"] if p.document else None,
    }


def line_item(line: BudgetLine) -> dict:
    return {
        **_common(line, "budget", line.year, line.activity),
        "source": line.source,
        "activity_code": line.activity_code,
        "field": line.field_code,
        "planned_idr": line.planned_idr,
        "realised_idr": line.realised_idr,
        "realised_on": line.realised_on.isoformat() if line.realised_on else None,
        "proposal": line.proposal_id,
        "origin": line.origin,
        "notes": line.notes,
    }


def _page(page, page_size):
    if page < 1:
        raise InvalidInput(_("page must be 1 or more."), errors={"page": [_("page must be 1 or more.")]})
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        msg = _("page_size must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}
        raise InvalidInput(msg, errors={"page_size": [msg]})
    if page > 10**6:
        raise InvalidInput(
            _("This page is beyond any result."), errors={"page": [_("This page is beyond any result.")]}
        )


@router.get("/commitments", summary="Policies and budget lines of an area's subtree")
def list_commitments(
    request,
    area: str = "",
    year: int | None = Query(None, ge=2000, le=2100),  # noqa: B008
    kind: str = "",
    page: int = 1,
    page_size: int = 20,
):
    if not area:
        raise InvalidInput(
            _("Name the area by its code."), errors={"area": [_("Name the area by its code.")]}
        )
    if kind not in ("", "policy", "budget"):
        msg = _("kind is policy or budget.")
        raise InvalidInput(msg, errors={"kind": [msg]})
    _page(page, page_size)
    target = area_get(code=area.strip())
    policies, lines = commitments_for_api(user=request.auth, area=target, year=year, kind=kind or None)
    n_policies, n_lines = policies.count(), lines.count()
    start, end = (page - 1) * page_size, page * page_size
    results = []
    if start < n_policies:
        results += [policy_item(p) for p in policies[start : min(end, n_policies)]]
    if end > n_policies:
        results += [line_item(x) for x in lines[max(0, start - n_policies) : end - n_policies]]
    return {"count": n_policies + n_lines, "results": results}


class CommitmentIn(Schema):
    kind: Line(16)
    area: Line(40)
    title: Line(300) = ""
    services: list[Line(40)] = []
    # policies
    policy_kind: Line(20) = ""
    number: Line(80) = ""
    issued_on: Date | None = None
    issuing_body: Line(200) = ""
    status: Line(20) = "draft"
    summary: Text(4000) = ""
    # budget lines
    year: int | None = Field(None, ge=2000, le=2100)
    source: Line(20) = ""
    activity_code: Line(40) = ""
    field: Line(8) = ""
    planned_idr: int | None = Field(None, ge=0, le=MAX_IDR)
    realised_idr: int | None = Field(None, ge=0, le=MAX_IDR)
    realised_on: Date | None = None
    notes: Text(2000) = ""
    proposal: int | None = Field(None, ge=1, le=2**62)


def _services(slugs):
    found = list(Service.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {s.slug for s in found})
    if missing:
        msg = _("Unknown services: %(s)s") % {"s": ", ".join(missing)}
        raise InvalidInput(msg, errors={"services": [msg]})
    return found


def _require(errors, payload, *names):
    for name in names:
        if getattr(payload, name) in (None, ""):
            errors.setdefault(name, []).append(_("This field is required."))


@router.post("/commitments", response={201: dict}, summary="Record a policy or a budget line")
def create_commitment(request, payload: CommitmentIn):
    from .classification import normalise_code

    errors: dict = {}
    if payload.kind not in ("policy", "budget"):
        errors["kind"] = [_("kind is policy or budget.")]
        raise InvalidInput(errors["kind"][0], errors=errors)
    target = area_get(code=payload.area.strip())
    found = _services(payload.services)
    if payload.kind == "policy":
        _require(errors, payload, "title", "policy_kind", "issuing_body")
        if payload.policy_kind and payload.policy_kind not in PolicyKind.values:
            errors["policy_kind"] = [_("One of: %(v)s") % {"v": ", ".join(PolicyKind.values)}]
        if errors:
            raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
        policy = services.policy_create(
            actor=request.auth, area=target, kind=payload.policy_kind, title=payload.title, number=payload.number,
            issued_on=payload.issued_on, issuing_body=payload.issuing_body, status=payload.status,
            services=found, summary=payload.summary, request=request,
        )  # fmt: skip
        return Status(201, policy_item(policy))
    _require(errors, payload, "title", "year", "source", "planned_idr")
    if payload.source and payload.source not in FundSource.values:
        errors["source"] = [_("One of: %(v)s") % {"v": ", ".join(FundSource.values)}]
    field = ""
    if payload.field:
        field = normalise_code(payload.field)
        if field is None:
            errors["field"] = [_("Not a field or sub-field of Permendagri 20/2018.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    try:
        line = services.budget_line_create(
            actor=request.auth, area=target, year=payload.year, source=payload.source, activity=payload.title,
            activity_code=payload.activity_code, field_code=field, services=found, planned_idr=payload.planned_idr,
            realised_idr=payload.realised_idr, realised_on=payload.realised_on, notes=payload.notes,
            proposal_id=payload.proposal, request=request,
        )  # fmt: skip
    except InvalidInput as exc:
        renamed = {
            {"activity": "title", "field_code": "field", "proposal_id": "proposal"}.get(k, k): v
            for k, v in exc.errors.items()
        }
        raise InvalidInput(exc.message, errors=renamed) from exc
    return Status(201, line_item(line))


@router.get("/public/commitments", auth=None, summary="Public roll-up of commitments")
def get_public_commitments(request, area: str = "", year: int | None = Query(None, ge=2000, le=2100)):  # noqa: B008
    return public_rollup(area_code=area or None, year=year)
