from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.selectors import favourite_keys


def accounts(request: HttpRequest) -> dict[str, object]:
    """Fill the catalogue's template slots: a heart on each song, a "for you" panel at home.

    `favourite_keys` (the keys of the user's favourite songs) is loaded on first use only, in one
    query, so pages without hearts pay nothing.
    """
    user = request.user
    keys = SimpleLazyObject(lambda: favourite_keys(user=user) if user.is_authenticated else set())
    return {
        "song_actions_template": "accounts/_favourite_button.html",
        "home_panel_template": "accounts/_home_panel.html",
        "favourite_keys": keys,
    }
