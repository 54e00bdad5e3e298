"""Word-start search through the postings (`SongWord`): the songs with a word starting with each
word of a query found in the word index alone, ranked there, and only the songs shown read.

The answers are those of `song_search(query=..., word_starts=True)`: best match first (the
whole artist or title, then its start, then words), then most popular, then by primary key.
A one-word query reads every posting of the words it starts, from the index; a longer one reads
at most FEW_MATCHES postings of its rarest word and checks the other words on the pairs' primary
key, or, when the rarest word starts more postings than that, leaves the search to the songs
(`TooCommon`). Suggestions (`most_popular_matches`) read the most popular postings of each word
a one-word query starts, in the index's order. One statement each, written by hand: building a
queryset costs more of the web process's time than PostgreSQL takes to answer. PostgreSQL only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from django.db import connection

from catalog import selectors
from catalog.models import WORD_MAX_LENGTH, CatalogWord, Song, SongWord
from matching.names import match_key

# A one-word suggestion merges the most popular songs of each word it starts, up to this many
# words; beyond, the caller reads the most popular songs instead.
PREFIX_WORDS = 1_000
# A query's first word is read instead of its rarest when it starts at most this many times as
# many postings.
FIRST_WORD_FACTOR = 4


class TooCommon(Exception):
    """Every long word of the query starts more than FEW_MATCHES postings."""


@dataclass(frozen=True)
class WordStarts:
    """A free-text query the postings can answer: `key` as `match_key` makes it, its distinct
    `words`, and `rarest`, the word whose postings are read (the others are checked): the
    rarest, or the first where it is nearly as rare."""

    key: str
    words: tuple[str, ...]
    rarest: str


def word_starts(text: str) -> WordStarts | None:
    """`text` as the postings answer it, or None where they do not: other databases than
    PostgreSQL, words the full-text search would not look up (`word_start_query`), no word of
    INDEXED_PREFIX_LENGTH letters, or a word as long as the postings' words are cut to.

    A query of more than one word looks its words' postings up in the word table first
    (`CatalogWord`'s song counts, one statement) to read the rarest one's, or the first one's
    where it starts at most FIRST_WORD_FACTOR times as many."""
    key = match_key(text)
    words = tuple(dict.fromkeys(key.split()))
    long_words = [word for word in words if len(word) >= selectors.INDEXED_PREFIX_LENGTH]
    if (
        not long_words
        or selectors.word_start_query(key) is None
        or any(len(word) >= WORD_MAX_LENGTH for word in words)
    ):
        return None
    if len(long_words) == 1:
        return WordStarts(key, words, long_words[0])
    table = CatalogWord._meta.db_table
    counts = ", ".join(
        f"(SELECT coalesce(sum(song_count), 0) FROM {table} WHERE word LIKE %s)" for _ in long_words
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}", [f"{word}%" for word in long_words])
        estimates = cursor.fetchone()
    # Of words as common, the longest: the word table counts words split at spaces only.
    fewest, rarest = min(
        zip(estimates, long_words, strict=True), key=lambda pair: (pair[0], -len(pair[1]))
    )
    nearly_as_rare = min(FIRST_WORD_FACTOR * fewest, selectors.FEW_MATCHES)
    if long_words[0] == words[0] and estimates[0] <= nearly_as_rare:
        # The first word's postings also tell which songs can match the whole query (see
        # `_matches_sql`): reading a few more of them saves a lookup per song.
        rarest = words[0]
    return WordStarts(key, words, rarest)


def _matches_sql(search: WordStarts, *, ranked: bool, bounded: bool) -> tuple[str, list]:
    """SQL for the CTEs `read`, how many postings of the rarest word were read (FEW_MATCHES + 1
    at most when `bounded`), and `matched`, the matching songs, one row each: song_id,
    playlist_count and, when `ranked`, `match` (2 exact, 1 prefix, 0 words); and its
    parameters."""
    table, songs = SongWord._meta.db_table, Song._meta.db_table
    others = [word for word in search.words if word != search.rarest]
    parameters: list = [f"{search.rarest}%"]
    limit = ""
    if bounded:
        limit = " LIMIT %s"
        parameters.append(selectors.FEW_MATCHES + 1)
    match = ""
    if ranked and search.key == search.rarest:
        # One word: its exact and prefix matches are whole and first words of the names.
        match = (
            f", CASE WHEN bool_or(word = %s AND place & {SongWord.WHOLE_NAME} <> 0) THEN 2 "
            f"WHEN bool_or(place & {SongWord.STARTS_NAME} <> 0) THEN 1 ELSE 0 END AS match"
        )
        parameters.append(search.key)
    elif ranked:
        # Several: only a song whose artist or title starts with the first word, whole (a space
        # follows it in the query), can match the whole query exactly or by prefix; those few
        # songs are read to tell. When the first word's postings are the ones read, they say
        # which songs those are; else a posting of the first word is looked up per song.
        if search.rarest == search.words[0]:
            head = f"bool_or(word = %s AND place & {SongWord.STARTS_NAME} <> 0)"
        else:
            head = (
                f"EXISTS (SELECT 1 FROM {table} AS head "
                "WHERE head.song_id = candidate.song_id AND head.word = %s "
                f"AND head.place & {SongWord.STARTS_NAME} <> 0)"
            )
        match = (
            f", CASE WHEN NOT {head} THEN 0 ELSE (SELECT CASE "
            "WHEN song.title_norm = %s OR song.artist_norm = %s OR song.name_norm = %s THEN 2 "
            "WHEN song.title_norm LIKE %s OR song.artist_norm LIKE %s THEN 1 ELSE 0 END "
            f"FROM {songs} AS song WHERE song.id = candidate.song_id) END AS match"
        )
        key = search.key
        parameters += [key.split()[0], key, key, key, f"{key}%", f"{key}%"]
    checks = "".join(
        f" AND EXISTS (SELECT 1 FROM {table} AS other WHERE other.song_id = candidate.song_id "
        "AND other.word LIKE %s)"
        for _ in others
    )
    parameters += [f"{word}%" for word in others]
    # In the word index's order: the planner reads the index then, not the whole table in the
    # hope of meeting the LIMIT's postings early.
    sql = (
        f"WITH candidate AS {'MATERIALIZED ' if bounded else ''}(SELECT song_id, playlist_count, "
        f"word, place FROM {table} WHERE word LIKE %s ORDER BY word USING ~<~{limit}), "
        f"read AS (SELECT {'count(*) AS read FROM candidate' if bounded else '0 AS read'}), "
        f"matched AS (SELECT song_id, playlist_count{match} FROM candidate "
        f"WHERE true{checks} GROUP BY song_id, playlist_count)"
    )
    return sql, parameters


def _check_read(read: int, search: WordStarts) -> None:
    if _bounded(search) and read > selectors.FEW_MATCHES:
        raise TooCommon(search.rarest)


def _bounded(search: WordStarts) -> bool:
    """Whether a search reads at most FEW_MATCHES postings: those of several words."""
    return len(search.words) > 1


def _songs(rows: list[tuple], *, offset: int) -> list[Song]:
    """Songs from rows whose columns from `offset` on are `selectors.SONG_COLUMNS`."""
    return [
        Song.from_db(connection.alias, selectors.SONG_ATTRIBUTES, row[offset:])
        for row in rows
        if row[offset] is not None
    ]


class RankedMatches(Sequence[Song]):
    """The songs matching a `WordStarts` query, in the search's order, for `CappedPaginator`:
    `window(bottom, top)` reads songs bottom to top and the count in one statement; indexing a
    slice reads a window, `count()` the count. Raises TooCommon where the postings do not
    answer."""

    def __init__(self, search: WordStarts) -> None:
        self.search = search

    def window(self, bottom: int, top: int) -> tuple[list[Song], int]:
        """The songs ranked `bottom` to `top` (from 0) and how many songs match in all."""
        sql, parameters = _matches_sql(self.search, ranked=True, bounded=_bounded(self.search))
        columns = ", ".join(f"song.{column}" for column in selectors.SONG_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql}, page AS (SELECT song_id, match, playlist_count, "
                "count(*) OVER () AS total FROM matched "
                "ORDER BY match DESC, playlist_count DESC, song_id LIMIT %s OFFSET %s) "
                f"SELECT read.read, page.total, {columns} FROM read LEFT JOIN page ON true "
                f"LEFT JOIN {Song._meta.db_table} AS song ON song.id = page.song_id "
                "ORDER BY page.match DESC, page.playlist_count DESC, page.song_id",
                [*parameters, max(top - bottom, 0), bottom],
            )
            rows = cursor.fetchall()
        _check_read(rows[0][0], self.search)
        total = rows[0][1] or 0
        if total == 0 and bottom > 0:
            total = self.count()
        return _songs(rows, offset=2), total

    def count(self) -> int:
        sql, parameters = _matches_sql(self.search, ranked=False, bounded=_bounded(self.search))
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} SELECT read.read, (SELECT count(*) FROM matched) FROM read", parameters
            )
            read, total = cursor.fetchone()
        _check_read(read, self.search)
        return total

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Song: ...

    @overload
    def __getitem__(self, index: slice) -> list[Song]: ...

    def __getitem__(self, index: int | slice) -> Song | list[Song]:
        if isinstance(index, int):
            return self.window(index, index + 1)[0][0]
        return self.window(index.start or 0, index.stop)[0]


def most_popular_matches(search: WordStarts, *, limit: int) -> list[Song] | None:
    """The `limit` most popular songs matching `search` (most popular first, then by primary
    key); None where the postings do not tell them in a bounded read (the caller reads the most
    popular songs instead).

    One word: the `limit` most popular songs of each word it starts, up to PREFIX_WORDS words,
    each read in the word index's order (the most popular of all are among them). Several: at
    most FEW_MATCHES postings of the rarest word, the others checked.
    """
    if search.key == search.rarest:
        sql, parameters = _prefix_top_sql(search.rarest, limit=limit)
        read = PREFIX_WORDS
    else:
        sql, parameters = _matches_sql(search, ranked=False, bounded=True)
        sql += (
            ", top AS (SELECT song_id, playlist_count FROM matched "
            "ORDER BY playlist_count DESC, song_id LIMIT %s)"
        )
        parameters.append(limit)
        read = selectors.FEW_MATCHES
    columns = ", ".join(f"song.{column}" for column in selectors.SONG_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql} SELECT read.read, {columns} FROM read LEFT JOIN top ON true "
            f"LEFT JOIN {Song._meta.db_table} AS song ON song.id = top.song_id "
            "ORDER BY top.playlist_count DESC, top.song_id",
            parameters,
        )
        rows = cursor.fetchall()
    if rows[0][0] > read:
        return None
    return _songs(rows, offset=1)


def _prefix_top_sql(prefix: str, *, limit: int) -> tuple[str, list]:
    """SQL for the CTEs `read`, how many words start with `prefix` (PREFIX_WORDS + 1 at most),
    and `top`, the `limit` most popular songs with one of them; and its parameters.

    The words are found one index descent each (the next word after the last one found), and
    each word's songs read in the index's order, `limit` of them."""
    table = SongWord._meta.db_table
    sql = (
        "WITH RECURSIVE word AS ("
        f"(SELECT word FROM {table} WHERE word LIKE %s ORDER BY word USING ~<~ LIMIT 1) "
        f"UNION ALL SELECT (SELECT next.word FROM {table} AS next "
        "WHERE next.word ~>~ word.word AND next.word LIKE %s ORDER BY next.word USING ~<~ LIMIT 1) "
        "FROM word WHERE word.word IS NOT NULL), "
        "started AS MATERIALIZED (SELECT word FROM word WHERE word IS NOT NULL LIMIT %s), "
        "read AS (SELECT count(*) AS read FROM started), "
        "top AS (SELECT song_id, playlist_count FROM started CROSS JOIN LATERAL "
        f"(SELECT song_id, playlist_count FROM {table} AS posting "
        "WHERE posting.word = started.word ORDER BY playlist_count DESC, song_id LIMIT %s) AS best "
        "GROUP BY song_id, playlist_count ORDER BY playlist_count DESC, song_id LIMIT %s)"
    )
    return sql, [f"{prefix}%", f"{prefix}%", PREFIX_WORDS + 1, limit, limit]
