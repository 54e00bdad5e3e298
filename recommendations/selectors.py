"""Reads of builds and neighbour rows."""

import functools
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from catalog.models import Song
from catalog.prepared import execute_prepared
from catalog.selectors import SONG_ATTRIBUTES, SONG_COLUMNS, is_song_pk
from recommendations.models import Build, Neighbour

ACTIVE_BUILD_CACHE_KEY = "recommendations:active-build"
# `build_activate` removes the cached id once the new build is committed, which every process
# sees within ACTIVE_BUILD_MEMO_SECONDS with a shared cache (Redis). With a cache of each
# process's own (local memory), the other processes learn it when their copy expires: at most
# this many seconds later.
ACTIVE_BUILD_CACHE_SECONDS = 5
# Each process also keeps the id this long, so that a page served from the cache takes one round
# trip to it, not two; `forget_active_build_id` clears it at once in the activating process.
ACTIVE_BUILD_MEMO_SECONDS = 1.0
_memo: tuple[float, int] = (0.0, 0)  # (monotonic time it expires, build id or 0)
# A neighbour row's attribute names, in the order hand-written statements read its columns.
_NEIGHBOUR_ATTRIBUTES = [field.attname for field in Neighbour._meta.concrete_fields]


def active_build() -> Build | None:
    """The build the site serves, or None before the first build completes."""
    return Build.objects.filter(is_active=True).first()


def active_build_id() -> int | None:
    """The id of the build the site serves (None before the first), read through the cache and
    this process's memo: what keys the pages cached for anonymous visitors."""
    global _memo
    expires, build_id = _memo
    now = time.monotonic()
    if now >= expires:
        build_id = cache.get(ACTIVE_BUILD_CACHE_KEY)
        if build_id is None:
            active = Build.objects.filter(is_active=True).values_list("pk", flat=True)
            build_id = active.first() or 0
            cache.set(ACTIVE_BUILD_CACHE_KEY, build_id, ACTIVE_BUILD_CACHE_SECONDS)
        _memo = (now + ACTIVE_BUILD_MEMO_SECONDS, build_id)
    return build_id or None


def forget_active_build_id() -> None:
    """Drop the cached id of the active build (after an activation): this process reads it
    anew at once, the others within ACTIVE_BUILD_MEMO_SECONDS."""
    global _memo
    _memo = (0.0, 0)
    cache.delete(ACTIVE_BUILD_CACHE_KEY)


def song_with_recommendations(
    pk: int, *, include_same_artist: bool = False, limit: int = 10
) -> tuple[Song | None, list[Neighbour]]:
    """The song with primary key `pk` (None if there is none; in the catalogue or not) and its
    nearest neighbours in the active build, best first, each with `neighbour` (the other song)
    loaded and `position`, its place in this list from 1: what the song page and the API show.
    (`rank` is its place among all the song's neighbours in the build, which may count songs by
    the same artist left out here.)

    Songs by the same artist (same normalised name) are left out unless asked for.

    One prepared statement written in SQL: every song page that is not cached reads both, a round
    trip to PostgreSQL costs a loaded machine more than the query does, planning the statement
    anew each time more than running it, and building the same queries through the ORM more
    CPU than PostgreSQL takes to answer them (docs/benchmarks.md).
    """
    if not is_song_pk(pk):
        return None, []
    with connection.cursor() as cursor:
        sql = _song_page_sql(include_same_artist=include_same_artist)
        execute_prepared(cursor, sql, [pk, limit])
        rows = cursor.fetchall()
    if not rows:
        return None, []
    song_end = len(SONG_ATTRIBUTES)
    neighbour_end = song_end + len(_NEIGHBOUR_ATTRIBUTES)
    song = Song.from_db(connection.alias, SONG_ATTRIBUTES, rows[0][:song_end])
    recommendations = []
    # Without neighbours, the one row's neighbour columns are all NULL (LEFT JOIN).
    for position, row in enumerate((row for row in rows if row[song_end] is not None), start=1):
        recommendation = Neighbour.from_db(
            connection.alias, _NEIGHBOUR_ATTRIBUTES, row[song_end:neighbour_end]
        )
        recommendation.neighbour = Song.from_db(
            connection.alias, SONG_ATTRIBUTES, row[neighbour_end:]
        )
        recommendation.position = position
        recommendations.append(recommendation)
    return song, recommendations


def recommendations_for_song(
    *, song: Song, include_same_artist: bool = False, limit: int = 10
) -> list[Neighbour]:
    """`song`'s recommendations, as `song_with_recommendations` reads them."""
    _, recommendations = song_with_recommendations(
        song.pk, include_same_artist=include_same_artist, limit=limit
    )
    return recommendations


@functools.cache
def _song_page_sql(*, include_same_artist: bool) -> str:
    """The statement of `song_with_recommendations`: the song's columns, then each neighbour
    row's, then the other song's, in the models' field order (one row with NULLs after the
    song's when it has no neighbours); parameters song id, limit. Plain joins, so that SQLite
    runs it too (the quick start)."""
    columns = [f"s.{column}" for column in SONG_COLUMNS]
    columns += [f"n.{field.column}" for field in Neighbour._meta.concrete_fields]
    columns += [f"o.{column}" for column in SONG_COLUMNS]
    same_artist = "" if include_same_artist else "AND o.artist_norm <> s.artist_norm"
    song_table = Song._meta.db_table
    return (
        f"SELECT {', '.join(columns)} FROM {song_table} s LEFT JOIN ("
        f"{Neighbour._meta.db_table} n "
        f"JOIN {Build._meta.db_table} b ON b.id = n.build_id AND b.is_active "
        f"JOIN {song_table} o ON o.key = n.neighbour_key"
        f") ON n.song_key = s.key {same_artist} WHERE s.id = %s ORDER BY n.rank LIMIT %s"
    )


@dataclass(frozen=True)
class SummedNeighbour:
    """A song ranked by its summed weighted similarity to some seed songs.

    `because` is the seed that contributes most to `score`, with its weight `because_weight`;
    `seed_count` is how many of the seeds it neighbours.
    """

    song: Song
    score: float
    because: Song
    because_weight: float
    seed_count: int


def summed_neighbours(
    *, seeds: Mapping[int, float], exclude: Collection[int] = (), limit: int = 20
) -> list[SummedNeighbour]:
    """The active build's neighbours of the `seeds` (song key: weight), best first.

    A song's score is the sum over seeds of seed weight × similarity of their neighbour rows;
    ties go to the lower song key, and a song's reason to the seed contributing most (then the
    lower seed key). Songs whose keys are in `exclude` are left out. One query, songs loaded;
    none for no seeds. Each seed reads only its own neighbour rows through the (build, song, …)
    index, so the cost follows the seed count, not the size of the neighbour table.
    """
    if not seeds:
        return []
    parameters: list[object] = [value for seed in seeds.items() for value in seed]
    parameters += [*exclude, limit]
    sql = _summed_sql(len(seeds), len(exclude))
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    split = 3 + len(SONG_ATTRIBUTES)
    return [
        SummedNeighbour(
            song=Song.from_db(connection.alias, SONG_ATTRIBUTES, row[3:split]),
            score=row[0],
            because=Song.from_db(connection.alias, SONG_ATTRIBUTES, row[split:]),
            because_weight=row[2],
            seed_count=row[1],
        )
        for row in rows
    ]


def _summed_sql(seed_count: int, exclude_count: int) -> str:
    """The statement of `summed_neighbours`: score, seed count, the reason's weight, then the
    song's columns and the reason's; parameters each seed's key and weight, the excluded keys,
    the limit."""
    seed_rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS DOUBLE PRECISION))"] * seed_count)
    excluded = ", ".join(["%s"] * exclude_count)
    exclude = f"AND n.neighbour_key NOT IN ({excluded})" if exclude_count else ""
    columns = [f"o.{name}" for name in SONG_COLUMNS] + [f"s.{name}" for name in SONG_COLUMNS]
    song_table = Song._meta.db_table
    return f"""
        WITH seed (song_key, weight) AS (VALUES {seed_rows}),
        contribution AS (
            SELECT n.neighbour_key, n.song_key AS seed_key, seed.weight,
                   n.similarity * seed.weight AS score
            FROM seed JOIN {Neighbour._meta.db_table} n ON n.song_key = seed.song_key
            WHERE n.build_id = (SELECT id FROM {Build._meta.db_table} WHERE is_active) {exclude}
        ),
        ranked AS (
            SELECT neighbour_key, SUM(score) AS score, COUNT(*) AS seed_count
            FROM contribution GROUP BY neighbour_key
            ORDER BY score DESC, neighbour_key LIMIT %s
        ),
        reason AS (
            SELECT c.neighbour_key, c.seed_key, c.weight, ROW_NUMBER() OVER (
                PARTITION BY c.neighbour_key ORDER BY c.score DESC, c.seed_key
            ) AS position
            FROM contribution c JOIN ranked r ON r.neighbour_key = c.neighbour_key
        )
        SELECT r.score, r.seed_count, reason.weight, {", ".join(columns)}
        FROM ranked r
        JOIN reason ON reason.neighbour_key = r.neighbour_key AND reason.position = 1
        JOIN {song_table} o ON o.key = r.neighbour_key
        JOIN {song_table} s ON s.key = reason.seed_key
        ORDER BY r.score DESC, r.neighbour_key
    """
