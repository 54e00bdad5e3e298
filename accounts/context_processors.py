from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.selectors import favourite_keys


def accounts(request: HttpRequest) -> dict[str, object]:
    """Fill the catalogue's template slots: a heart on each song, a "for you" panel at home.

    `favourite_keys` (the keys of the user's favourite songs) is loaded on first use only, in one
    query, so pages without hearts pay nothing. For visitors not signed in, `log_in_url` is where
    "Log in" and every heart lead: the log-in page, then back to this one.
    """
    # Error pages can be rendered before AuthenticationMiddleware ran (a 400 for a bad Host
    # header or a NUL in the URL): no user then, as for an anonymous visitor.
    user = getattr(request, "user", None)
    context: dict[str, object] = {
        "song_actions_template": "accounts/_favourite_button.html",
        "home_panel_template": "accounts/_home_panel.html",
    }
    if user is not None and user.is_authenticated:
        context["favourite_keys"] = SimpleLazyObject(lambda: favourite_keys(user=user))
    else:
        # The heart's log-in link alone: the template above tells the two apart for every song.
        context |= {
            "song_actions_template": "accounts/_favourite_log_in.html",
            "favourite_keys": set(),
            "log_in_url": log_in_url(request),
        }
    return context


def log_in_url(request: HttpRequest) -> str:
    """The log-in page, coming back to `request`'s page afterwards (home needs no `next`)."""
    url = reverse("accounts:login")
    if request.path != "/":
        url += "?next=" + quote(request.get_full_path(), safe="/")
    return url
