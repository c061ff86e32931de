"""The area page's commitments panel (portal.areas.panels): this year's planned and realised budget of the area's
subtree, its published policies, a link to the commitments page. For anyone: it holds public information only."""

from django.urls import reverse

from portal.areas.models import Level

from .selectors import area_policies, current_year, rollup_cached


def commitments_area_panel(*, request, area):
    if area.level == Level.HAMLET:
        return None
    year = current_year()
    data = rollup_cached(area=area, year=year, public=True)
    policies = [p for p in area_policies(user=request.user, area=area)[:5] if p.published_at]
    return (
        "commitments/panels/area.html",
        {
            "url": reverse("commitments:area", args=[area.code]),
            "card_url": reverse("commitments:card", args=[area.code]) if area.level == Level.VILLAGE else "",
            "area_name": area.display_name,
            "year": year,
            "data": data,
            "policies": policies,
        },
    )
