"""Panels one product shows on another product's page, so that neither imports the other: the page owner names a
slot and renders what is registered for it; a product registers a panel for a slot in its AppConfig.ready().
(The area page has its own registry, portal.areas.panels.)

Slots and the keyword arguments their panels receive besides `request`:

- "case": `case_code` (str) — on a child case's page (referrals), shown to whoever may open that page; a panel
  must itself check what the person may see of its own product (e.g. only the forum threads they may read).

- "attention": `case_code` (str) and `area_code` (str, the kecamatan) — on the kecamatan facilitator's page for
  a referral that needs attention (referrals, `/cases/attention/<pk>/`), shown to its overseers only: e.g. the
  forums' "link an existing thread" form.

A panel is `panel(*, request, **arguments) -> (template_name, context) | None`; None shows nothing. The template
is included with `panel=context` only."""

SLOTS = {"case": ("case_code",), "attention": ("case_code", "area_code")}

_PANELS: dict[str, dict[str, tuple[int, object]]] = {}


def register_panel(slot: str, name: str, panel, *, order: int) -> None:
    """Add (or replace) the panel `name` of `slot`, shown in `order` (lower first). ValueError for an unknown
    slot."""
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}; one of {sorted(SLOTS)}")
    _PANELS.setdefault(slot, {})[name] = (order, panel)


def panels_for(slot: str, *, request, **arguments) -> list[tuple[str, dict]]:
    """[(template_name, context)] of the panels of `slot` that have something for this person."""
    if slot not in SLOTS or set(arguments) != set(SLOTS[slot]):
        raise ValueError(f"panel slot {slot!r} takes {SLOTS.get(slot)}")
    shown = []
    for _order, panel in sorted(_PANELS.get(slot, {}).values(), key=lambda pair: pair[0]):
        result = panel(request=request, **arguments)
        if result is not None:
            shown.append(result)
    return shown
