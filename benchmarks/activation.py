"""Time activating a build and dropping an old one with 20 million neighbour rows in PostgreSQL.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/activation.py [--rows 20000000] [--flips 20]

Loads two builds of --rows neighbour rows each, the way a build loads (rows into the build's own
table, then primary key, CHECK and ATTACH PARTITION), into a database of its own (--database,
default songrec_bench_activation). Then it times:
- activation (median and max of --flips switches between the two builds),
- removing the older build (DETACH PARTITION CONCURRENTLY, then DROP TABLE),
while another connection serves one song's recommendations in a loop; the slowest of those
reads shows whether serving ever waited on a lock.
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import use_database  # noqa: E402

SONGS = 1_000_000


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000, help="neighbour rows per build")
    parser.add_argument("--flips", type=int, default=20)
    parser.add_argument("--database", default="songrec_bench_activation")
    return parser.parse_args()


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def load_build(rows: int) -> tuple[object, dict[str, float]]:
    """A complete build of `rows` neighbour rows over SONGS songs; returns it and stage seconds."""
    from django.db import connection, transaction

    from recommendations import storage
    from recommendations.models import Build

    per_song = max(1, rows // SONGS)
    build = Build.objects.create(
        status=Build.Status.COMPLETE, input_path="benchmarks/activation.py", neighbour_count=rows
    )
    seconds = {}
    with transaction.atomic(), connection.cursor() as cursor:
        storage.prepare(build.pk)
        seconds["insert"] = timed(
            lambda: cursor.execute(
                f"INSERT INTO {storage.build_table(build.pk)} "
                "(build_id, song_key, neighbour_key, similarity, rank) "
                "SELECT %s, s, 1 + (s * 7919 + r) %% %s, 1.0 / (r + 1), r "
                "FROM generate_series(1::bigint, %s) s CROSS JOIN generate_series(1, %s) r",
                [build.pk, SONGS, rows // per_song, per_song],
            )
        )
        seconds["index and attach"] = timed(lambda: storage.attach(build.pk))
    return build, seconds


def empty_catalogue() -> None:
    """This database is the benchmark's own: start from empty tables and SONGS songs."""
    from django.db import connection

    from recommendations import storage
    from recommendations.models import Build

    for build_id in Build.objects.values_list("pk", flat=True):
        storage.remove(build_id)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE recommendations_build, catalog_song CASCADE")
        cursor.execute(
            "INSERT INTO catalog_song (key, artist, title, artist_norm, title_norm, "
            "playlist_count, in_catalogue) SELECT i, 'a' || i, 't' || i, 'a' || i, 't' || i, 1, "
            "true FROM generate_series(1, %s) i",
            [SONGS],
        )


def print_table(rows_per_build: int, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{rows_per_build:,} neighbour rows per build, PostgreSQL partition per build")
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>12}")


def main() -> None:
    arguments = parse_arguments()
    use_database(arguments.database)
    from django.db import connection

    from catalog.models import Song
    from recommendations import services
    from recommendations.models import Build
    from recommendations.selectors import recommendations_for_song

    empty_catalogue()
    print(f"loading two builds of {arguments.rows:,} neighbour rows …", flush=True)
    old, old_seconds = load_build(arguments.rows)
    new, new_seconds = load_build(arguments.rows)
    services.build_activate(build=old)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE recommendations_neighbour")

    reads: list[float] = []
    stop = threading.Event()

    def serve() -> None:
        from django.db import connection as reader_connection

        song = Song.objects.get(key=12345)
        while not stop.is_set():
            reads.append(timed(lambda: list(recommendations_for_song(song=song))))
        reader_connection.close()

    reader = threading.Thread(target=serve)
    reader.start()
    flips = []
    for index in range(arguments.flips):
        flips.append(timed(lambda i=index: services.build_activate(build=(new, old)[i % 2])))
    services.build_activate(build=new)
    reads_before_drop = len(reads)
    drop = timed(lambda: services.build_remove_old(keep=1))
    stop.set()
    reader.join()
    during_drop = reads[reads_before_drop:] or [0.0]

    rows = [
        ("load: insert rows (per build)", f"{new_seconds['insert']:.1f} s"),
        ("load: primary key + attach", f"{new_seconds['index and attach']:.1f} s"),
        ("activation, median", f"{statistics.median(flips) * 1000:.1f} ms"),
        ("activation, max", f"{max(flips) * 1000:.1f} ms"),
        ("drop old build (detach + drop)", f"{drop * 1000:.0f} ms"),
        ("song reads during the flips and drop", f"{len(reads):,}"),
        ("slowest read during the drop", f"{max(during_drop) * 1000:.1f} ms"),
        ("median read", f"{statistics.median(reads) * 1000:.2f} ms"),
    ]
    print_table(arguments.rows, rows)
    print(f"  (the older build's load: {old_seconds['insert']:.1f} s insert)")
    if Build.objects.get(pk=old.pk).neighbour_count is not None:
        sys.exit("the old build was not removed")


if __name__ == "__main__":
    main()
