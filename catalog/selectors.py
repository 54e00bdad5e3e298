"""Reads of the song catalogue."""

import random
import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import BooleanField, Case, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from catalog.models import CatalogWord, Song
from matching.names import match_key

# Near misses: at most this many, best first.
NEAR_MISS_LIMIT = 100
# A word no catalogue word contains is replaced by at most this many catalogue words spelt this
# close (pg_trgm similarity, 0 to 1).
NEAR_MISS_WORDS = 3
WORD_SIMILARITY_THRESHOLD = 0.3
# Near misses are ranked among at most this many songs with the corrected words, in the order the
# full-text index finds them: corrected to common words, a query matches tens of thousands of
# names, and ranking every one of them costs far more than the answer is worth.
NEAR_MISS_CANDIDATES = 1000
# Queries without a word this long get no near misses: the few trigrams of short words are
# shared by a large share of the names.
NEAR_MISS_MIN_LENGTH = 4
SUGGESTION_MIN_LENGTH = 2
# The trigram index serves substring matching of words of at least this many letters; a shorter
# word holds no trigram, so matching it anywhere in names reads the whole table.
TRIGRAM_LENGTH = 3
# Words shorter than this are not looked up as prefixes in the full-text index when a longer
# word is typed too: "b" stands for every word starting with b, a large share of the index to
# read, while the longer word alone already narrows the songs to a few thousand.
INDEXED_PREFIX_LENGTH = 3
# Up to this many matches, the most popular are picked by sorting them all; beyond it, among the
# POPULAR_WINDOW most popular songs, read through the popularity index. Neither reads more rows
# than that, however few songs match.
FEW_MATCHES = 10_000
POPULAR_WINDOW = 5_000
# What the full-text search can look up as a word start.
_ALPHANUMERIC = re.compile(r"[^\W_]+")
# A song's columns and their attribute names, in the model's order: statements written by hand
# read songs with them (`Song.from_db`).
SONG_COLUMNS = [field.column for field in Song._meta.concrete_fields]
SONG_ATTRIBUTES = [field.attname for field in Song._meta.concrete_fields]
# The largest primary key a song can have (a bigint).
_LARGEST_PK = 2**63 - 1


def is_song_pk(pk: int) -> bool:
    """Whether a song could have primary key `pk`: PostgreSQL compares a larger number with the
    bigint column as a numeric, which no index serves."""
    return 0 < pk <= _LARGEST_PK


def catalogue_songs() -> QuerySet[Song]:
    """Songs in the current catalogue (a song the data no longer has stays for favourites)."""
    return Song.objects.filter(in_catalogue=True)


def word_start_query(text: str) -> str | None:
    """A full-text query matching names with a word starting with each word of `text`
    ("simon garf" -> 'simon':* & 'garf':*), or None where that search does not apply: other
    databases than PostgreSQL, or words the full-text parser would split (punctuation).

    Words shorter than INDEXED_PREFIX_LENGTH are left out when a longer one is typed too:
    `words_match` checks them on the rows the query finds."""
    indexed, _ = _word_starts(text)
    return " & ".join(f"'{word}':*" for word in indexed) or None


def _word_starts(text: str) -> tuple[list[str], list[str]]:
    """The words of `text` to look up in the full-text index, and those to check row by row;
    neither where word-start search does not apply."""
    words = match_key(text).split()
    if connection.vendor != "postgresql" or not all(
        re.fullmatch(r"[^\W_]+", word) for word in words
    ):
        return [], []
    indexed = [word for word in words if len(word) >= INDEXED_PREFIX_LENGTH]
    if not indexed:
        return words, []
    return indexed, [word for word in words if len(word) < INDEXED_PREFIX_LENGTH]


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
    if word_starts and word_start_query(query_key):
        songs = songs.filter(words_match(query_key))
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


def words_match(text: str) -> RawSQL:
    """The condition `name_norm` has a word starting with each word of `text` (where
    `word_start_query` applies).

    Written as the full-text index of migration catalog/0003 is, so that PostgreSQL uses it; the
    short words `word_start_query` leaves out are checked on the rows the index finds, at the
    start of a run of letters and digits, where the full-text parser starts words too ("o'brien"
    has "brien") and so do the postings (`catalog.postings`)."""
    _, checked = _word_starts(text)
    sql = "to_tsvector('simple', name_norm) @@ to_tsquery('simple', %s)"
    sql += " AND name_norm ~ %s" * len(checked)
    return RawSQL(
        f"({sql})",
        [word_start_query(text), *(f"(^|[^[:alnum:]]){word}" for word in checked)],
        output_field=BooleanField(),
    )


def most_popular(songs: QuerySet[Song], *, limit: int) -> list[Song]:
    """The `limit` most popular of `songs`, reading a bounded number of rows whatever matches.

    Up to FEW_MATCHES matches are taken through the search index and sorted, in one query that
    also counts them: then the answer is exact. Beyond that, the most popular matches among the
    POPULAR_WINDOW most popular songs come first (`popular_window`), topped up from the sorted
    FEW_MATCHES. Left to itself, PostgreSQL would walk the popularity index for an ORDER BY ...
    LIMIT, and read the whole table when fewer songs match than it expects.
    """
    sql, parameters = songs.order_by().query.sql_with_params()
    found = list(
        Song.objects.raw(
            f"SELECT *, count(*) OVER () AS matches FROM ({sql} LIMIT %s) AS matching "
            "ORDER BY playlist_count DESC, id LIMIT %s",
            [*parameters, FEW_MATCHES + 1, limit],
        )
    )
    if not found or found[0].matches <= FEW_MATCHES:
        return found
    merged = {song.pk: song for song in [*popular_window(songs, limit=limit), *found]}
    return sorted(merged.values(), key=lambda song: (-song.playlist_count, song.pk))[:limit]


def popular_window(songs: QuerySet[Song], *, limit: int) -> list[Song]:
    """The `limit` most popular of `songs` among the POPULAR_WINDOW most popular songs of the
    catalogue: what a query matching many names is best answered with, read through the
    popularity index and never more than POPULAR_WINDOW rows (none matching: nothing)."""
    window, window_parameters = (
        catalogue_songs().order_by("-playlist_count", "pk")[:POPULAR_WINDOW].query.sql_with_params()
    )
    # The conditions of `songs`, applied to the window under the table's name: a subquery with a
    # LIMIT keeps them outside, so PostgreSQL cannot look the matches up in another index first.
    query = songs.query
    condition, parameters = query.where.as_sql(
        query.get_compiler(connection=connection), connection
    )
    return list(
        Song.objects.raw(
            f"SELECT * FROM ({window}) AS {Song._meta.db_table} WHERE {condition or 'true'} "
            "ORDER BY playlist_count DESC, id LIMIT %s",
            [*window_parameters, *parameters, limit],
        )
    )


def within_popular_window(songs: QuerySet[Song]) -> QuerySet[Song]:
    """Those of `songs` among the POPULAR_WINDOW most popular songs of the catalogue: a search
    for words too short to narrow the names down, ranked and counted over that many rows at
    most (PostgreSQL looks each of them up by primary key)."""
    window = catalogue_songs().order_by("-playlist_count", "pk").values("pk")[:POPULAR_WINDOW]
    return songs.filter(pk__in=window)


def unknown_words(text: str) -> list[str]:
    """The words of `text` that no catalogue word contains (`CatalogWord`): while there is one,
    no song can match `text`, at word starts or anywhere, and a search can go straight to
    `near_misses`.

    Each word is looked up by prefix (the word table's pattern index), then, if no word starts
    with it, inside words (its trigram index); words shorter than TRIGRAM_LENGTH are looked up by
    prefix only and never counted unknown, nor are any on other databases than PostgreSQL.
    One statement."""
    words = [word for word in dict.fromkeys(match_key(text).split()) if len(word) >= TRIGRAM_LENGTH]
    if not words or connection.vendor != "postgresql":
        return []
    table = CatalogWord._meta.db_table
    # Not EXISTS for the substrings: expecting to meet a match soon, the planner would rather
    # scan the table for one, all of it when there is none.
    checks = ", ".join(
        f"CASE WHEN EXISTS (SELECT 1 FROM {table} WHERE word LIKE %s) THEN false "
        f"ELSE (SELECT count(*) = 0 FROM {table} WHERE word LIKE %s) END"
        for _ in words
    )
    parameters = [pattern for word in words for pattern in (f"{_like(word)}%", f"%{_like(word)}%")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {checks}", parameters)
        unknown = cursor.fetchone()
    return [word for word, missing in zip(words, unknown, strict=True) if missing]


def _like(word: str) -> str:
    """`word` with LIKE's wildcards escaped."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_corrections(words: list[str], *, limit: int = NEAR_MISS_WORDS) -> dict[str, list[str]]:
    """For each of `words`, the catalogue words spelt closest to it (pg_trgm similarity over the
    word table, served by its trigram index), most similar first, then the most common; only
    words the full-text search can look up (letters and digits). PostgreSQL only; one statement.
    """
    table = CatalogWord._meta.db_table
    # `%` compares with pg_trgm.similarity_threshold, whose default is WORD_SIMILARITY_THRESHOLD:
    # the index serves it, and the explicit comparison holds whatever the setting says.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT typed, found FROM unnest(%s::text[]) AS typed CROSS JOIN LATERAL "
            f"(SELECT word AS found FROM {table} WHERE word %% typed "
            "AND similarity(word, typed) >= %s "
            "ORDER BY similarity(word, typed) DESC, song_count DESC, word LIMIT %s) AS close",
            [words, WORD_SIMILARITY_THRESHOLD, limit],
        )
        rows = cursor.fetchall()
    corrections: dict[str, list[str]] = {word: [] for word in words}
    # Letters and digits checked here: a regular expression in the statement would turn the
    # planner away from the trigram index to reading the whole table.
    for typed, found in rows:
        if _ALPHANUMERIC.fullmatch(found):
            corrections[typed].append(found)
    return corrections


def near_misses(
    text: str, *, limit: int = NEAR_MISS_LIMIT, unknown: list[str] | None = None
) -> QuerySet[Song]:
    """Songs spelt close to `text` (typos, missing letters), most similar first (`similarity`).

    Each word no catalogue word contains (`unknown_words`) is replaced by its closest catalogue
    words (`word_corrections`; dropped when there are none), and songs with a word starting with
    one of them and with each other word are found through the full-text index; with no unknown
    word, songs with any of the words. At most NEAR_MISS_CANDIDATES of them, in the order the
    index finds them, are ranked by pg_trgm's word_similarity to `text`. PostgreSQL only; none
    for a `text` without a word of NEAR_MISS_MIN_LENGTH letters. `unknown`: `unknown_words(text)`
    where the caller already has them.
    """
    key = match_key(text)
    words = list(dict.fromkeys(key.split()))
    longest = max((len(word) for word in words), default=0)
    if longest < NEAR_MISS_MIN_LENGTH or connection.vendor != "postgresql":
        return Song.objects.none()
    if unknown is None:
        unknown = unknown_words(key)
    corrections = word_corrections(unknown) if unknown else {}
    terms, checked = [], []
    for word in words:
        if word in corrections:
            if corrections[word]:
                terms.append("(" + " | ".join(f"'{fixed}':*" for fixed in corrections[word]) + ")")
        elif _ALPHANUMERIC.fullmatch(word) and len(word) >= INDEXED_PREFIX_LENGTH:
            terms.append(f"'{word}':*")
        else:
            checked.append(f"% {_like(word)}%")
    if not terms:
        return Song.objects.none()
    tsquery = (" & " if unknown else " | ").join(terms)
    conditions = " AND (' ' || name_norm) LIKE %s" * len(checked) if unknown else ""
    table = Song._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # Estimating tens of thousands of matches, the planner would rather scan the table until
        # it meets NEAR_MISS_CANDIDATES of them: all of it when few songs match.
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute(
            f"SELECT id FROM (SELECT id, name_norm, playlist_count FROM {table} "
            "WHERE in_catalogue AND to_tsvector('simple', name_norm) @@ to_tsquery('simple', %s)"
            f"{conditions} LIMIT %s) AS close "
            "ORDER BY word_similarity(%s, name_norm) DESC, playlist_count DESC, id LIMIT %s",
            [tsquery, *(checked if unknown else []), NEAR_MISS_CANDIDATES, key, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
        # Inside a search's time budget, the transaction goes on.
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    return (
        catalogue_songs()
        .filter(pk__in=ids)
        .annotate(similarity=TrigramWordSimilarity(Value(key), "name_norm"))
        .order_by("-similarity", "-playlist_count", "pk")
    )


def substring_searchable(text: str) -> bool:
    """Whether matching the words of `text` anywhere in names can use the trigram index: some
    word must hold a trigram, or the search reads every name."""
    return any(len(word) >= TRIGRAM_LENGTH for word in match_key(text).split())


def song_suggestions(*, text: str, limit: int = 8) -> list[Song]:
    """What the search box offers while someone types: the most popular songs with words starting
    as typed, else containing every word typed, else the nearest spellings. Nothing for fewer
    than two letters.

    Each step reads a bounded number of rows: words of one or two letters alone are looked up
    among the POPULAR_WINDOW most popular songs only (they start a large share of the names, or
    none at all, and "qx" must not read them all to find out); substrings need a word of
    TRIGRAM_LENGTH letters, near misses NEAR_MISS_MIN_LENGTH. Word starts are looked up in the
    postings (`catalog.postings.most_popular_matches`: at most FEW_MATCHES postings of the rarest
    word, never an index walked in popularity order) where they answer. A word no catalogue word
    contains (`unknown_words`) skips to the near misses."""
    key = match_key(text)
    if len(key) < SUGGESTION_MIN_LENGTH:
        return []
    if unknown := unknown_words(key):
        return list(near_misses(key, limit=limit, unknown=unknown))
    # Imported here: the postings' module builds on this one.
    from catalog.postings import most_popular_matches, word_starts

    suggestions: list[Song] | None = None
    if word_start_query(key):
        if search := word_starts(key):
            suggestions = most_popular_matches(search, limit=limit)
        if suggestions is None:
            words = catalogue_songs().filter(words_match(key))
            if substring_searchable(key):
                suggestions = most_popular(words, limit=limit)
            else:
                suggestions = popular_window(words, limit=limit)
    if not suggestions and substring_searchable(key):
        songs = catalogue_songs()
        for word in key.split():
            songs = songs.filter(name_norm__contains=word)
        suggestions = most_popular(songs, limit=limit)
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
