"""Registering a child, as GOV.UK would: the form in short steps on a phone (child, caregiver, parent abroad,
needs), an error summary linking to each field, and possible duplicates shown to the case team before a second
case is opened for the same child.

Steps work with and without JavaScript. Every step's inputs are always in the page (the steps not shown carry
the `hidden` attribute, so what was typed travels with each submit and nothing is lost between steps): without
JavaScript the "Lanjut"/"Kembali" buttons are submits and the server checks the step being left; with
JavaScript (`static/referrals/registration.js`) "Lanjut" asks the same check of `views.case_create_check`
(JSON: the summary and the step's fields rendered by the page's templates) and "Kembali" only switches the
fieldset shown. On a wide screen the stylesheet shows every step at once. "Daftarkan" checks everything at
once (the NIK rule included) and, when something is wrong, shows every step with the summary on top.

Possible duplicates: same desa, birth date within `DUPLICATE_DAYS`, and a similar name (normalised: case,
spaces, punctuation and diacritics; then trigram similarity or the same name words), compared in Python over
the few cases of one desa and a date window, so SQLite and PostgreSQL answer alike. Only cases on the person's
own team are named: a case they may not see is never revealed, not even by a count."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from portal.areas.models import Level

from .models import AnonymisedCase, CaseTeamMember, ChildCase


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]


STEPS = (
    Step("child", _("The child"), ("child_name", "sex", "birth_date", "nik", "area", "address")),
    Step("caregiver", _("The caregiver"), ("caregiver_name", "caregiver_relation", "caregiver_phone")),
    Step("abroad", _("The parent abroad"), ("parent_abroad", "destination_country", "abroad_since")),
    Step("needs", _("Needs"), ("needs", "notes")),
)
STEP_SLUGS = tuple(s.slug for s in STEPS)
DUPLICATE_DAYS = 3
SIMILARITY = 0.5


def step_of(slug) -> int:
    return STEP_SLUGS.index(slug) if slug in STEP_SLUGS else 0


@dataclass
class Flow:
    """What one request asks of the form: which step to show, which errors to show, whether to register."""

    current: int = 0
    register: bool = False
    show_all: bool = False
    checked: tuple[str, ...] = ()  # the fields whose errors are shown


def flow_for(post) -> Flow:
    """Read the buttons: `go=<step>` moves (checking the step being left when moving on), `go=next` is the
    default button (Enter in a field) and `register` (or `go=next` on the last step) registers."""
    if post is None:
        return Flow()
    shown = step_of(post.get("step"))
    go = post.get("go") or ""
    whole = "step" not in post and not go  # the whole form at once (a client without the step buttons)
    if (
        whole
        or "register" in post
        or "confirm_new" in post
        or "confirm_nik" in post
        or (go == "next" and shown == len(STEPS) - 1)
    ):
        return Flow(current=len(STEPS) - 1, register=True, checked=tuple(f for s in STEPS for f in s.fields))
    target = shown + 1 if go == "next" else step_of(go) if go in STEP_SLUGS else shown
    if target > shown:
        return Flow(current=target, checked=STEPS[shown].fields, show_all=False)
    return Flow(current=target)


def apply_flow(form, flow: Flow) -> Flow:
    """Validate the bound form and keep only the errors of the checked fields. Moving on from a step with a
    problem stays on that step. A register with problems shows every step."""
    form.is_valid()
    for name in list(form.errors):
        if name != "__all__" and name not in flow.checked:
            del form.errors[name]
    if not flow.checked:
        form.errors.pop("__all__", None)
    if form.errors and not flow.register:
        flow.current = next(
            (i for i, s in enumerate(STEPS) if any(f in form.errors for f in s.fields)), flow.current
        )
    if form.errors and flow.register:
        flow.show_all = True
    return flow


def step_context(form, flow: Flow) -> list[dict]:
    steps = []
    for i, step in enumerate(STEPS):
        steps.append(
            {
                "slug": step.slug,
                "title": step.title,
                "number": i + 1,
                "fields": [form[name] for name in step.fields],
                "hidden": not flow.show_all and i != flow.current,
                "prev": STEPS[i - 1].slug if i else "",
                "next": STEPS[i + 1].slug if i + 1 < len(STEPS) else "",
            }
        )
    return steps


# --- possible duplicates -----------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Lower case, no diacritics, no punctuation, single spaces: "  Lalu  Zulkarnaén-Test" → "lalu zulkarnaen test"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _trigrams(name: str) -> set[str]:
    grams = set()
    for word in name.split():
        padded = f"  {word} "
        grams |= {padded[i : i + 3] for i in range(len(padded) - 2)}
    return grams


def name_similarity(a: str, b: str) -> float:
    """Trigram similarity (as PostgreSQL's pg_trgm counts it) of two normalised names; 1.0 when the words of
    the shorter name are all in the longer (a name written with or without a family or religious prefix)."""
    a, b = normalise_name(a), normalise_name(b)
    if not a or not b:
        return 0.0
    words_a, words_b = set(a.split()), set(b.split())
    shorter, longer = sorted((words_a, words_b), key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return 1.0
    ga, gb = _trigrams(a), _trigrams(b)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def possible_duplicates(*, actor, area, child_name: str, birth_date: dt.date | None, limit: int = 5) -> list:
    """Cases on the person's own team in the same desa, born within DUPLICATE_DAYS, with a similar name."""
    if area is None or birth_date is None or not getattr(actor, "is_authenticated", False):
        return []
    village = area if area.level == Level.VILLAGE else area.parent
    window = dt.timedelta(days=DUPLICATE_DAYS)
    candidates = (
        ChildCase.objects.filter(
            village=village,
            birth_date__gte=birth_date - window,
            birth_date__lte=birth_date + window,
        )
        .filter(Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), user=actor)))
        .exclude(Exists(AnonymisedCase.objects.filter(case=OuterRef("pk"))))
        .only("pk", "code", "child_name", "birth_date")
        .order_by("pk")[:200]
    )
    scored = [(name_similarity(child_name, c.child_name), c) for c in candidates]
    found = [c for score, c in sorted(scored, key=lambda sc: -sc[0]) if score >= SIMILARITY]
    return found[:limit]
