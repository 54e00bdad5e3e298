"""Reads of builds and neighbour rows."""

from django.db.models import QuerySet

from catalog.models import Song
from recommendations.models import Build, Neighbour


def active_build() -> Build | None:
    """The build the site serves, or None before the first build completes."""
    return Build.objects.filter(is_active=True).first()


def recommendations_for_song(
    *, song: Song, include_same_artist: bool = False, limit: int = 10
) -> QuerySet[Neighbour]:
    """The song's nearest neighbours in the active build, best first, with `neighbour` loaded.

    Songs by the same artist (same normalised name) are left out unless asked for.
    """
    neighbours = (
        Neighbour.objects.filter(build__is_active=True, song=song.key)
        .select_related("neighbour")
        .order_by("rank")
    )
    if not include_same_artist:
        neighbours = neighbours.exclude(neighbour__artist_norm=song.artist_norm)
    return neighbours[:limit]
