"""The registry of an area page's panels: what each product shows on `/areas/<code>/` (the area's forum, its
open action items, its published policies...). A product registers a panel in its AppConfig.ready(); the platform
renders them in order and never names a product.

A panel is `panel(*, request, area) -> (template_name, context) | None`; None shows nothing (the person may not
see it, or there is nothing to show). The template is included inside the area page with `context` only."""

_PANELS: dict[str, tuple[int, object]] = {}


def register_area_panel(name: str, panel, *, order: int) -> None:
    """Add (or replace) the panel `name`, shown in `order` (lower first)."""
    _PANELS[name] = (order, panel)


def area_panels(*, request, area) -> list[tuple[str, dict]]:
    """[(template_name, context)] of the panels that have something for this person on this area's page."""
    shown = []
    for _order, panel in sorted(_PANELS.values(), key=lambda pair: pair[0]):
        result = panel(request=request, area=area)
        if result is not None:
            shown.append(result)
    return shown
