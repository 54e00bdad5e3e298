"""Reads of the song catalogue."""

import random

from django.db.models import Case, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from catalog.models import Song
from spark.names import match_key


def catalogue_songs() -> QuerySet[Song]:
    """Songs in the current catalogue (a song the data no longer has stays for favourites)."""
    return Song.objects.filter(in_catalogue=True)


def song_search(*, query: str = "", artist: str = "", track: str = "") -> QuerySet[Song]:
    """Songs matching a free-text query and/or artist and track fields.

    Matching ignores case, accents, '&' versus 'and' and bracketed suffixes (the same rules that
    key songs in the batch job). Every word of `query` must occur in the artist or the title.
    Results come best match first (whole name, then prefix, then words), then most popular.
    """
    songs = catalogue_songs()
    query_key, artist_key, track_key = match_key(query), match_key(artist), match_key(track)
    for word in query_key.split():
        songs = songs.filter(Q(artist_norm__contains=word) | Q(title_norm__contains=word))
    if artist_key:
        songs = songs.filter(artist_norm__contains=artist_key)
    if track_key:
        songs = songs.filter(title_norm__contains=track_key)

    exact, prefix = Q(), Q()
    if query_key:
        exact |= Q(title_norm=query_key) | Q(artist_norm=query_key) | Q(full_name=query_key)
        prefix |= Q(title_norm__startswith=query_key) | Q(artist_norm__startswith=query_key)
    if artist_key:
        exact |= Q(artist_norm=artist_key)
        prefix |= Q(artist_norm__startswith=artist_key)
    if track_key:
        exact |= Q(title_norm=track_key)
        prefix |= Q(title_norm__startswith=track_key)
    return songs.annotate(
        full_name=Concat("artist_norm", Value(" "), "title_norm"),
        match=Case(
            When(exact, then=Value(2)),
            When(prefix, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by("-match", "-playlist_count", "pk")


def artist_songs(*, artist_norm: str) -> QuerySet[Song]:
    """One artist's songs (by normalised name), most popular first."""
    return catalogue_songs().filter(artist_norm=artist_norm).order_by("-playlist_count", "pk")


def random_song() -> Song | None:
    """A song picked uniformly by primary key range, without scanning the table."""
    songs = catalogue_songs()
    bounds = songs.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None
    pivot = random.randint(bounds["low"], bounds["high"])
    return songs.filter(pk__gte=pivot).order_by("pk").first()
