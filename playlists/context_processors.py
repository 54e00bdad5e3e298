from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from playlists.selectors import draft


def playlists(request: HttpRequest) -> dict[str, object]:
    """Fill the song pages' playlist slot: a button adding each song.

    A visitor with neither an account nor a session cookie may be served a page from the cache,
    which holds no CSRF token: their button links to a page asking to add the song
    (`playlist_can_post` False). Everyone else posts directly. `playlist_keys`, the song keys of
    the session's playlist, is read on first use only.
    """
    user = getattr(request, "user", None)
    has_session = settings.SESSION_COOKIE_NAME in getattr(request, "COOKIES", {})
    can_post = has_session or (user is not None and user.is_authenticated)
    context: dict[str, object] = {
        "playlist_button_template": "playlists/_add_button.html",
        "playlist_can_post": can_post,
        "playlist_keys": frozenset(),
    }
    if not can_post:
        # The link alone: the template above tells the cases apart for every song.
        context["playlist_button_template"] = "playlists/_add_link.html"
    elif hasattr(request, "session"):
        context["playlist_keys"] = SimpleLazyObject(lambda: frozenset(draft(request.session).keys))
    return context
