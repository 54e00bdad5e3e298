from django import template

from accounts.selectors import for_you_page

register = template.Library()

HOME_PANEL_SHOWN = 5


@register.inclusion_tag("accounts/_for_you_panel.html", takes_context=True)
def for_you_panel(context: template.Context) -> dict[str, object]:
    """The home page's "for you" panel: the user's top recommendations, or how to get some."""
    user = context["request"].user
    return {
        "user": user,
        "for_you": for_you_page(user=user, limit=HOME_PANEL_SHOWN)
        if user.is_authenticated
        else None,
    }
