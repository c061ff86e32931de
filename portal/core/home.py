"""The registry of a person's home page panels: what each product shows on `/home/` below the section cards
(a person's open action items from the forums' meetings, ...). A product registers a panel in its
AppConfig.ready(); the platform renders them in order and never names a product.

A panel is `panel(*, request) -> (template_name, context) | None`; None shows nothing (nothing for this person).
The template is included with `panel=context` only, like the area page's panels (portal.areas.panels)."""

_PANELS: dict[str, tuple[int, object]] = {}


def register_home_panel(name: str, panel, *, order: int) -> None:
    """Add (or replace) the home panel `name`, shown in `order` (lower first)."""
    _PANELS[name] = (order, panel)


def home_panels(*, request) -> list[tuple[str, dict]]:
    """[(template_name, context)] of the panels that have something for this person."""
    shown = []
    for _order, panel in sorted(_PANELS.values(), key=lambda pair: pair[0]):
        result = panel(request=request)
        if result is not None:
            shown.append(result)
    return shown
