"""Time the "for you" selector on a full-size catalogue in PostgreSQL.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/for_you.py [--songs 2000000] [--neighbours 20] \\
        [--favourites 200] [--views 20] [--runs 20] [--reload] [--explain]

The server and credentials come from DATABASE_URL; the data goes into a database of its own
(--database, default songrec_bench_foryou), created and migrated here. Songs and neighbour rows
are generated inside PostgreSQL with generate_series (no rows cross the connection), with foreign
key triggers off and the secondary indexes built after the load, then VACUUM ANALYZE. A load is
reused by later runs while the sizes match; --reload forces a new one. Loading 2,000,000 songs
with 20 neighbours each (40M rows) takes a few minutes on two cores.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import create_synthetic_build, markdown_table, use_database  # noqa: E402


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--songs", type=int, default=2_000_000)
    parser.add_argument("--neighbours", type=int, default=20, help="neighbour rows per song")
    parser.add_argument("--favourites", type=int, default=200, help="the user's favourites")
    parser.add_argument("--views", type=int, default=20, help="the user's recent song views")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--limit", type=int, default=20, help="recommendations asked for")
    parser.add_argument("--database", default="songrec_bench_foryou")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--explain", action="store_true", help="print the ranking query's plan")
    return parser.parse_args()


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each index of `table` that no constraint owns."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
        )
        """,
        [table],
    )
    return cursor.fetchall()


def insert_songs(cursor, song_table: str, songs: int) -> None:
    cursor.execute(
        f"""
        INSERT INTO {song_table}
            (key, artist, title, artist_norm, title_norm, playlist_count, in_catalogue)
        SELECT i, 'Artist ' || (i %% 50000), 'Song ' || i, 'artist ' || (i %% 50000),
               'song ' || i, 1 + i %% 1000, true
        FROM generate_series(1, %s) i
        """,
        [songs],
    )


def load(arguments: argparse.Namespace) -> None:
    """Replace the benchmark's songs, build, neighbours and user with generated ones."""
    from django.db import connection, transaction

    from catalog.models import Song
    from recommendations.models import Build, Neighbour

    songs, per_song = arguments.songs, arguments.neighbours
    song_table, neighbour_table = Song._meta.db_table, Neighbour._meta.db_table
    started = time.perf_counter()

    def step(message: str) -> None:
        print(f"{time.perf_counter() - started:7.1f} s  {message}", flush=True)

    # One transaction: a load that fails part-way leaves the tables and indexes as they were.
    with transaction.atomic(), connection.cursor() as cursor:
        # Triggers (foreign key checks) off for this session: the generated rows are consistent.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        tables = ", ".join(model._meta.db_table for model in (Neighbour, Build, Song))
        # CASCADE: the accounts' tables that point at songs (favourites, history) go too.
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        indexes = secondary_indexes(cursor, song_table) + secondary_indexes(cursor, neighbour_table)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        step(f"emptied the tables, dropped {len(indexes)} secondary indexes")

        insert_songs(cursor, song_table, songs)
        step(f"{songs:,} songs")
        create_synthetic_build(
            cursor,
            songs=songs,
            per_song=per_song,
            input_path="benchmarks/for_you.py",
            parameters={"synthetic": {"songs": songs, "neighbours": per_song}},
        )
        step(f"{songs * per_song:,} neighbour rows, indexed and attached")
        for name, statement in indexes:
            cursor.execute(statement)
            step(f"index {name}")
        cursor.execute("SET session_replication_role = origin")

        create_user(arguments)
        step(f"user with {arguments.favourites} favourites and {arguments.views} song views")

    # After the commit (VACUUM cannot run in a transaction): planner statistics, and the
    # visibility map that lets PostgreSQL answer from an index alone, for the whole database
    # (the songs and neighbours, and the accounts' tables beside them).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE")


def create_user(arguments: argparse.Namespace) -> None:
    """The user "bench", with favourites and song views spread evenly over the songs."""
    from django.contrib.auth import get_user_model

    from accounts import services as accounts
    from catalog.models import Song

    get_user_model().objects.filter(username="bench").delete()
    user = get_user_model().objects.create_user(username="bench", password="not-used-1234")
    spacing = arguments.songs // (arguments.favourites + arguments.views)
    favourite_keys = [1 + i * spacing for i in range(arguments.favourites)]
    view_keys = [1 + (arguments.favourites + i) * spacing for i in range(arguments.views)]
    by_key = Song.objects.in_bulk(favourite_keys + view_keys, field_name="key")
    for key in favourite_keys:
        accounts.song_favourite(user=user, song=by_key[key])
    for key in view_keys:
        accounts.history_record_view(user=user, song=by_key[key])


def is_loaded(arguments: argparse.Namespace) -> bool:
    from django.contrib.auth import get_user_model

    from accounts.selectors import favourites_for_user, history_for_user
    from recommendations.models import Build

    build = Build.objects.filter(is_active=True).first()
    user = get_user_model().objects.filter(username="bench").first()
    return (
        build is not None
        and build.parameters.get("synthetic")
        == {"songs": arguments.songs, "neighbours": arguments.neighbours}
        and user is not None
        and favourites_for_user(user=user).count() == arguments.favourites
        and history_for_user(user=user).count() == arguments.views
    )


def measure(arguments: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.selectors import for_you
    from recommendations.models import Neighbour

    user = get_user_model().objects.get(username="bench")
    neighbour_rows = Neighbour.objects.filter(build__is_active=True).count()
    seconds, query_counts = [], set()
    for _ in range(arguments.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            recommendations = for_you(user=user, limit=arguments.limit)
            seconds.append(time.perf_counter() - started)
        query_counts.add(len(queries.captured_queries))
    milliseconds = [value * 1000 for value in seconds]

    header = (
        "songs",
        "neighbour rows",
        "favourites",
        "views",
        "runs",
        "median ms",
        "first ms",
        "min ms",
        "max ms",
        "queries/run",
        "results",
    )
    row = (
        f"{arguments.songs:,}",
        f"{neighbour_rows:,}",
        str(arguments.favourites),
        str(arguments.views),
        str(arguments.runs),
        f"{statistics.median(milliseconds):.1f}",
        f"{milliseconds[0]:.1f}",
        f"{min(milliseconds):.1f}",
        f"{max(milliseconds):.1f}",
        ", ".join(str(count) for count in sorted(query_counts)),
        str(len(recommendations)),
    )
    print()
    markdown_table(header, [row])

    if arguments.explain:
        ranking = queries.captured_queries[-1]["sql"]  # the seeds, then the ranking
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {ranking}")
            print("\n" + "\n".join(line for (line,) in cursor.fetchall()))


def main() -> None:
    arguments = parse_arguments()
    use_database(arguments.database)
    if arguments.reload or not is_loaded(arguments):
        load(arguments)
    measure(arguments)


if __name__ == "__main__":
    main()
