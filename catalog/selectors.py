"""Reads of the song catalogue."""

import random
import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import BooleanField, Case, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from catalog.models import Song
from spark.names import match_key

# Near misses: songs whose name holds a stretch this similar to the query (pg_trgm's
# word_similarity, 0 to 1), at most this many, best first.
NEAR_MISS_THRESHOLD = 0.5
NEAR_MISS_LIMIT = 100
SUGGESTION_MIN_LENGTH = 2


def catalogue_songs() -> QuerySet[Song]:
    """Songs in the current catalogue (a song the data no longer has stays for favourites)."""
    return Song.objects.filter(in_catalogue=True)


def word_start_query(text: str) -> str | None:
    """A full-text query matching names with a word starting with each word of `text`
    ("simon garf" -> 'simon':* & 'garf':*), or None where that search does not apply: other
    databases than PostgreSQL, or words the full-text parser would split (punctuation)."""
    words = match_key(text).split()
    if connection.vendor != "postgresql" or not words:
        return None
    if not all(re.fullmatch(r"[^\W_]+", word) for word in words):
        return None
    return " & ".join(f"'{word}':*" for word in words)


def song_search(
    *, query: str = "", artist: str = "", track: str = "", word_starts: bool = False
) -> QuerySet[Song]:
    """Songs matching a free-text query and/or artist and track fields.

    Matching ignores case, accents, '&' versus 'and' and bracketed suffixes (the same rules that
    key songs in the batch job). Every word of `query` must occur in the artist or the title:
    anywhere (served by the trigram index on PostgreSQL), or with `word_starts` at the start of
    a word (served by the full-text index, far more selective at 2M songs) where
    `word_start_query` applies. Results come best match first (whole name, then prefix, then
    words), then most popular. When it finds nothing, `near_misses` offers the nearest spellings
    of a free-text query.
    """
    songs = catalogue_songs()
    query_key, artist_key, track_key = match_key(query), match_key(artist), match_key(track)
    words_query = word_start_query(query_key) if word_starts else None
    if words_query:
        songs = songs.filter(words_match(words_query))
    else:
        # Each condition also filters `name_norm` ("artist title"), which the trigram index serves.
        for word in query_key.split():
            songs = songs.filter(name_norm__contains=word)
    if artist_key:
        songs = songs.filter(name_norm__contains=artist_key, artist_norm__contains=artist_key)
    if track_key:
        songs = songs.filter(name_norm__contains=track_key, title_norm__contains=track_key)

    exact, prefix = Q(), Q()
    if query_key:
        exact |= Q(title_norm=query_key) | Q(artist_norm=query_key) | Q(name_norm=query_key)
        prefix |= Q(title_norm__startswith=query_key) | Q(artist_norm__startswith=query_key)
    if artist_key:
        exact |= Q(artist_norm=artist_key)
        prefix |= Q(artist_norm__startswith=artist_key)
    if track_key:
        exact |= Q(title_norm=track_key)
        prefix |= Q(title_norm__startswith=track_key)
    return songs.annotate(
        match=Case(
            When(exact, then=Value(2)),
            When(prefix, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by("-match", "-playlist_count", "pk")


def words_match(words_query: str) -> RawSQL:
    """The condition `name_norm` has words starting as `words_query` says (word_start_query).

    Written as the full-text index of migration catalog/0003 is, so that PostgreSQL uses it."""
    return RawSQL(
        "to_tsvector('simple', name_norm) @@ to_tsquery('simple', %s)",
        [words_query],
        output_field=BooleanField(),
    )


def near_misses(text: str, *, limit: int = NEAR_MISS_LIMIT) -> QuerySet[Song]:
    """Songs spelt close to `text` (typos, missing letters), most similar first.

    PostgreSQL only (pg_trgm's `<%` operator, served by the trigram index on `name_norm`); on
    other databases there are none.
    """
    key = match_key(text)
    if not key or connection.vendor != "postgresql":
        return Song.objects.none()
    table = Song._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(NEAR_MISS_THRESHOLD)],
        )
        cursor.execute(
            f"SELECT id FROM {table} WHERE in_catalogue AND %s <%% name_norm "
            "ORDER BY word_similarity(%s, name_norm) DESC, playlist_count DESC, id LIMIT %s",
            [key, key, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return (
        catalogue_songs()
        .filter(pk__in=ids)
        .annotate(similarity=TrigramWordSimilarity(Value(key), "name_norm"))
        .order_by("-similarity", "-playlist_count", "pk")
    )


def song_suggestions(*, text: str, limit: int = 8) -> list[Song]:
    """What the search box offers while someone types: the most popular songs with words starting
    as typed, else containing every word typed, else the nearest spellings. Nothing for fewer
    than two letters."""
    key = match_key(text)
    if len(key) < SUGGESTION_MIN_LENGTH:
        return []
    suggestions: list[Song] = []
    words_query = word_start_query(key)
    if words_query:
        words = catalogue_songs().filter(words_match(words_query))
        suggestions = list(words.order_by("-playlist_count", "pk")[:limit])
    if not suggestions:
        songs = catalogue_songs()
        for word in key.split():
            songs = songs.filter(name_norm__contains=word)
        suggestions = list(songs.order_by("-playlist_count", "pk")[:limit])
    return suggestions or list(near_misses(key, limit=limit))


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
