"""The forum page's meetings panel (the next meeting and the open action items the forum follows up), included
from forums/forum.html so the forum's own view does not change:
{% load forum_meetings %}{% forum_meetings_panel forum attention.forum_action_items %}. One query (the next
meeting) beyond the items the needs-attention list already read."""

from django import template

from forums.meetings.selectors import forum_open_action_items
from forums.meetings.services import next_meeting

register = template.Library()


@register.inclusion_tag("forums/meetings/_forum_panel.html")
def forum_meetings_panel(forum, items=None):
    """`items`: the forum's open action items already read by forum_needs_attention (no second query)."""
    return {
        "panel": {
            "forum": forum,
            "next": next_meeting(forum=forum),
            "items": forum_open_action_items(forum=forum, limit=5, items=items),
        }
    }


@register.simple_tag
def meetings_bar_chart(chart_id, title, rows):
    """A bar chart (portal.core.charts geometry) for dashboard/charts/bars.html: rows are [label, value]."""
    from portal.core.charts import bar_chart

    return bar_chart(id=chart_id, title=title, rows=[(label, value, "") for label, value in rows])


@register.simple_tag
def meetings_chart_rows(section, kind):
    """The rows of the section's charts, labelled in the reader's language."""
    from django.utils.translation import gettext as _

    from forums.meetings.reporting import STAKEHOLDER_LABELS

    if kind == "quarters":
        return [(r["quarter"], r["held"]) for r in section["by_quarter"]]
    if kind == "areas":
        return [(r["name"], r["meetings_held"]) for r in section["breakdown"] if r["meetings_held"]]
    if kind == "attendance":
        a = section["attendance"]
        return [
            (_("Women and girls (P)"), a["female"]),
            (_("Men and boys (L)"), a["male"]),
            (_("Adults"), a["adults"]),
            (_("Children and adolescents"), a["children"]),
            *[(str(STAKEHOLDER_LABELS[k]), v) for k, v in a["stakeholders"].items()],
        ]
    if kind == "items":
        i = section["action_items"]
        return [
            (_("Open"), i["open"]),
            (_("Done"), i["done"]),
            (_("Overdue now"), i["overdue"]),
            (_("Dropped"), i["dropped"]),
            (_("Taken over by the next tier"), i["taken_over"]),
        ]
    return []
