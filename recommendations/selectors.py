"""Reads of builds and neighbour rows."""

import functools
import time

from django.core.cache import cache
from django.db import connection

from catalog.models import Song
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


def recommendations_for_song(
    *, song: Song, include_same_artist: bool = False, limit: int = 10
) -> list[Neighbour]:
    """The song's nearest neighbours in the active build, best first, each with `neighbour` (the
    other song) loaded.

    Songs by the same artist (same normalised name) are left out unless asked for.

    Written in SQL: this read runs on every song page that is not cached, and building the same
    query through the ORM took about 0.7 ms of CPU a call, more than PostgreSQL takes to answer it.
    """
    sql = _recommendations_sql(include_same_artist=include_same_artist)
    parameters = [song.key] + ([] if include_same_artist else [song.artist_norm]) + [limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    neighbour_names, song_names = _model_attributes()
    split = len(neighbour_names)
    recommendations = []
    for row in rows:
        recommendation = Neighbour.from_db(connection.alias, neighbour_names, row[:split])
        recommendation.neighbour = Song.from_db(connection.alias, song_names, row[split:])
        recommendations.append(recommendation)
    return recommendations


@functools.cache
def _model_attributes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The attribute names of a neighbour row's fields and a song's, in the statement's order."""
    return (
        tuple(field.attname for field in Neighbour._meta.concrete_fields),
        tuple(field.attname for field in Song._meta.concrete_fields),
    )


@functools.cache
def _recommendations_sql(*, include_same_artist: bool) -> str:
    """The statement of `recommendations_for_song`: the neighbour rows' columns, then the other
    song's, in the models' field order; parameters song key, [artist_norm,] limit."""
    columns = [f"n.{field.column}" for field in Neighbour._meta.concrete_fields]
    columns += [f"o.{field.column}" for field in Song._meta.concrete_fields]
    same_artist = "" if include_same_artist else "AND o.artist_norm <> %s"
    return (
        f"SELECT {', '.join(columns)} FROM {Neighbour._meta.db_table} n "
        f"JOIN {Build._meta.db_table} b ON b.id = n.build_id "
        f"JOIN {Song._meta.db_table} o ON o.key = n.neighbour_key "
        f"WHERE b.is_active AND n.song_key = %s {same_artist} ORDER BY n.rank LIMIT %s"
    )
