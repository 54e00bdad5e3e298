"""A playlist made before logging in stays in the session (log-in keeps its data): say so."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from playlists.selectors import draft


@receiver(user_logged_in, dispatch_uid="playlists_offer_to_save")
def offer_to_save(sender: object, *, request: HttpRequest | None, **kwargs: object) -> None:
    if request is None or not hasattr(request, "session"):
        return
    current = draft(request.session)
    if current.keys and current.saved_id is None:
        count = len(current.keys)
        messages.info(
            request,
            f"Your playlist of {count} song{'' if count == 1 else 's'} is kept: "
            "save it from the playlist page.",
        )
