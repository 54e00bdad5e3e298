"""History: searches and song views of logged-in users, recorded as the pages announce them."""

from django.dispatch import receiver
from django.http import HttpRequest

from accounts import services
from catalog.models import Song
from catalog.signals import song_search_done
from recommendations.signals import song_page_viewed


@receiver(song_search_done, dispatch_uid="accounts_history_search")
def record_search(
    sender: object, *, request: HttpRequest, query: str, artist: str, track: str, **kwargs: object
) -> None:
    if request.method == "GET" and request.user.is_authenticated:
        services.history_record_search(user=request.user, query=query, artist=artist, track=track)


@receiver(song_page_viewed, dispatch_uid="accounts_history_view")
def record_view(sender: object, *, request: HttpRequest, song: Song, **kwargs: object) -> None:
    if request.method == "GET" and request.user.is_authenticated:
        services.history_record_view(user=request.user, song=song)
