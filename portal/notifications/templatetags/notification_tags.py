from django import template

from portal.notifications.selectors import bell_state

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context) -> dict:
    """The header bell's state for the person viewing the page (cached: see selectors.bell_state)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"unread": 0, "last_id": 0, "shown": ""}
    state = bell_state(user=user)
    return {**state, "shown": "99+" if state["unread"] > 99 else str(state["unread"])}
