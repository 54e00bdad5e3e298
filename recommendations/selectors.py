"""Reads of builds and neighbour rows."""

from django.core.cache import cache
from django.db.models import QuerySet

from catalog.models import Song
from recommendations.models import Build, Neighbour

ACTIVE_BUILD_CACHE_KEY = "recommendations:active-build"
# `build_activate` removes the cached id once the new build is committed, which every process
# sees at once with a shared cache (Redis). With a cache of each process's own (local memory), the
# other processes learn it when their copy expires: at most this many seconds later.
ACTIVE_BUILD_CACHE_SECONDS = 5


def active_build() -> Build | None:
    """The build the site serves, or None before the first build completes."""
    return Build.objects.filter(is_active=True).first()


def active_build_id() -> int | None:
    """The id of the build the site serves (None before the first), read through the cache:
    what keys the pages cached for anonymous visitors."""
    build_id = cache.get(ACTIVE_BUILD_CACHE_KEY)
    if build_id is None:
        build_id = Build.objects.filter(is_active=True).values_list("pk", flat=True).first() or 0
        cache.set(ACTIVE_BUILD_CACHE_KEY, build_id, ACTIVE_BUILD_CACHE_SECONDS)
    return build_id or None


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
