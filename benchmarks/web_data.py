"""The web benchmark's database: generated songs and neighbour rows, loaded and warmed.

Songs get word-like generated names (about 40 per artist, each title word shared by about a
thousand titles) and `--neighbours` neighbour rows each, generated inside PostgreSQL with
generate_series and loaded into a build's own partition as build_recs does.
"""

import argparse
import time

from benchmarks.common import create_synthetic_build
from benchmarks.for_you import secondary_indexes

# Word-like names: three syllables from this table make one of 4,096 words.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gu", "ho", "ji"]
SYLLABLES += ["ma", "zu"]


def word_sql(expression: str) -> str:
    """SQL for the generated word numbered by `expression` (0 to 4095)."""
    table = "ARRAY[" + ", ".join(f"'{syllable}'" for syllable in SYLLABLES) + "]"
    return " || ".join(
        f"({table})[1 + ((({expression}) >> {shift}) %% 16)::int]" for shift in (0, 4, 8)
    )


def load(arguments: argparse.Namespace) -> None:
    from django.db import connection, transaction

    from catalog.models import CatalogWord, Song, SongWord
    from catalog.services import catalog_words_refresh, song_words_refresh
    from recommendations.models import Build, Neighbour

    songs, per_song = arguments.songs, arguments.neighbours
    song_table = Song._meta.db_table
    started = time.perf_counter()

    def step(message: str) -> None:
        print(f"{time.perf_counter() - started:7.1f} s  {message}", flush=True)

    artist = f"initcap({word_sql('i %% 50000')}) || ' ' || initcap({word_sql('i %% 50000 + 7')})"
    title = (
        f"initcap({word_sql('(i * 2654435761) %% 4096')}) || ' ' || "
        f"initcap({word_sql('(i * 40503) %% 4093')})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        models = (Neighbour, Build, Song, CatalogWord, SongWord)
        tables = ", ".join(model._meta.db_table for model in models)
        # CASCADE: the accounts' tables that point at songs (favourites, history) go too.
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        indexes = secondary_indexes(cursor, song_table)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        step(f"emptied the tables, dropped {len(indexes)} secondary indexes")
        cursor.execute(
            f"""
            INSERT INTO {song_table}
                (key, artist, title, artist_norm, title_norm, playlist_count, in_catalogue)
            SELECT i, a, t, lower(a), lower(t), 1 + (i * 7919) %% 1000, true
            FROM generate_series(1::bigint, %s) i,
                 LATERAL (SELECT {artist} AS a, {title} AS t) names
            """,
            [songs],
        )
        step(f"{songs:,} songs")
        create_synthetic_build(
            cursor,
            songs=songs,
            per_song=per_song,
            input_path="benchmarks/web_load.py",
            parameters={"synthetic": synthetic_parameters(arguments)},
        )
        step(f"{songs * per_song:,} neighbour rows, indexed and attached")
        for name, statement in indexes:
            cursor.execute(statement)
            step(f"index {name}")
        cursor.execute("SET session_replication_role = origin")
        # The word table and the postings as a build's load leaves them: searches read them first.
        catalog_words_refresh()
        step("the word table")
        song_words_refresh()
        step("the postings")
    with connection.cursor() as cursor:
        for model in (Song, Neighbour, SongWord):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    step("VACUUM ANALYZE")


def warm_database() -> None:
    """Read the songs, the neighbour rows and their indexes into memory (pg_prewarm), as a
    server that has been answering for a while has them: straight after a load they are, but
    after a restart of the machine or of PostgreSQL every page a request touches is a disk read."""
    from django.db import connection

    from catalog.models import Song
    from recommendations.models import Neighbour

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT coalesce(sum(pg_prewarm(oid, 'read')), 0) FROM pg_class "
            "WHERE relkind IN ('r', 'i') AND (relname LIKE %s OR relname LIKE %s)",
            [f"{Song._meta.db_table}%", f"{Neighbour._meta.db_table}%"],
        )
        (blocks,) = cursor.fetchone()
    print(
        f"read {blocks * 8 / 1024**2:.1f} GiB of tables and indexes into memory in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )


def server_settings() -> str:
    """The database server's memory settings, which the figures depend on."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('shared_buffers'), current_setting('effective_cache_size')"
        )
        buffers, cache_size = cursor.fetchone()
    return f"shared_buffers {buffers}, effective_cache_size {cache_size}"


def synthetic_parameters(arguments: argparse.Namespace) -> dict:
    """What the loaded data is, in its build's parameters: sizes and the generator's version
    ("rows": 2 since a song's neighbour rows lie together)."""
    return {"songs": arguments.songs, "neighbours": arguments.neighbours, "names": 1, "rows": 2}


def is_loaded(arguments: argparse.Namespace) -> bool:
    from recommendations.models import Build

    build = Build.objects.filter(is_active=True).first()
    return build is not None and build.parameters.get("synthetic") == synthetic_parameters(
        arguments
    )
