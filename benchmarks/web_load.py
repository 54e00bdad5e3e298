"""Load-test the site at full size: song pages, search and autocomplete through gunicorn.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/web_load.py [--songs 2000000] [--neighbours 20] \\
        [--connections 16 64] [--requests 4000] [--seconds 30] [--workers N] [--reload]

The data goes into a database of its own (--database, default songrec_bench_web), created and
migrated here: songs with word-like generated names (about 40 per artist, each title word shared
by about a thousand titles) and `--neighbours` neighbour rows each, generated inside PostgreSQL
with generate_series and loaded into a build's own partition as build_recs does; reused by later
runs while the sizes match. Then gunicorn serves the site with the production settings on
127.0.0.1, and a small asyncio client (one connection per request, as gunicorn's sync workers
close them) keeps N requests in flight for at most --requests requests or --seconds seconds per
scenario, and prints requests per second and latency percentiles. Loopback only.
"""

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import create_synthetic_build, use_database  # noqa: E402
from benchmarks.for_you import secondary_indexes  # noqa: E402

# Word-like names: three syllables from this table make one of 4,096 words.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gu", "ho", "ji"]
SYLLABLES += ["ma", "zu"]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--songs", type=int, default=2_000_000)
    parser.add_argument("--neighbours", type=int, default=20, help="neighbour rows per song")
    parser.add_argument("--database", default="songrec_bench_web")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--requests", type=int, default=4000, help="per scenario, at most")
    parser.add_argument("--seconds", type=float, default=30, help="per scenario, at most")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument(
        "--scenarios", nargs="+", default=["song page", "search", "autocomplete", "search typo"]
    )
    return parser.parse_args()


def word_sql(expression: str) -> str:
    """SQL for the generated word numbered by `expression` (0 to 4095)."""
    table = "ARRAY[" + ", ".join(f"'{syllable}'" for syllable in SYLLABLES) + "]"
    return " || ".join(
        f"({table})[1 + ((({expression}) >> {shift}) %% 16)::int]" for shift in (0, 4, 8)
    )


def load(arguments: argparse.Namespace) -> None:
    from django.db import connection, transaction

    from accounts.models import Favourite, HistoryEntry
    from catalog.models import Song
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
        tables = ", ".join(
            model._meta.db_table for model in (Favourite, HistoryEntry, Neighbour, Build, Song)
        )
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY")
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
            parameters={"synthetic": {"songs": songs, "neighbours": per_song, "names": 1}},
        )
        step(f"{songs * per_song:,} neighbour rows, indexed and attached")
        for name, statement in indexes:
            cursor.execute(statement)
            step(f"index {name}")
        cursor.execute("SET session_replication_role = origin")
    with connection.cursor() as cursor:
        for model in (Song, Neighbour):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    step("VACUUM ANALYZE")


def is_loaded(arguments: argparse.Namespace) -> bool:
    from recommendations.models import Build

    build = Build.objects.filter(is_active=True).first()
    return build is not None and build.parameters.get("synthetic") == {
        "songs": arguments.songs,
        "neighbours": arguments.neighbours,
        "names": 1,
    }


def request_paths(arguments: argparse.Namespace) -> dict[str, list[str]]:
    """A few hundred requests per scenario, drawn from the loaded songs (seeded)."""
    from catalog.models import Song

    rng = random.Random(1)
    ids = [rng.randint(1, arguments.songs) for _ in range(500)]
    sample = list(Song.objects.filter(pk__in=ids[:200]).values_list("artist", "title"))
    searches, prefixes, typos = [], [], []
    for artist, title in sample:
        first, second = title.split()
        searches += [artist, f"{artist.split()[0]} {first}", title, second]
        prefixes += [first[:3], f"{first} {second[:2]}", artist[:5]]
        # One letter dropped from each word: nothing contains it, near misses answer.
        typos.append(" ".join(word[:2] + word[3:] for word in (first, second)))
    return {
        "song page": [f"/songs/{pk}/" for pk in ids],
        "search": ["/search?" + urlencode({"q": text}) for text in searches],
        "autocomplete": ["/api/autocomplete?" + urlencode({"q": text}) for text in prefixes],
        "search typo": ["/search?" + urlencode({"q": text}) for text in typos],
    }


async def fetch(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
        "Connection: close\r\n\r\n".encode()
    )
    await writer.drain()
    response = await reader.read()
    writer.close()
    return int(response[9:12]) if response.startswith(b"HTTP/1.") else 0


async def run_load(
    port: int, paths: list[str], connections: int, limit: int, seconds: float
) -> tuple[float, list[float], int]:
    """(elapsed seconds, latencies in ms, failed requests) with `connections` in flight."""
    latencies: list[float] = []
    failures = 0
    issued = 0
    deadline = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal failures, issued
        position = offset
        while issued < limit and time.perf_counter() < deadline:
            issued += 1
            path = paths[position % len(paths)]
            position += connections
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(fetch(port, path), timeout=30)
            except (OSError, TimeoutError):
                status = 0
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(offset) for offset in range(connections)))
    return time.perf_counter() - started, latencies, failures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    arguments: argparse.Namespace, static_root: Path
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "songrec_site.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "0",
        "LOG_LEVEL": "WARNING",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    if arguments.workers:
        environment["WEB_CONCURRENCY"] = str(arguments.workers)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    server = subprocess.Popen(
        ["gunicorn", "--config", "gunicorn.conf.py", "songrec_site.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server, port
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def measure(arguments: argparse.Namespace) -> None:
    paths = request_paths(arguments)
    load_before = os.getloadavg()
    rows = []
    limits = (arguments.requests, arguments.seconds)
    with tempfile.TemporaryDirectory() as static_root:
        server, port = start_gunicorn(arguments, Path(static_root))
        try:
            for scenario in arguments.scenarios:
                # Warm every worker's connection and caches before measuring.
                asyncio.run(run_load(port, paths[scenario], 8, 200, 10))
                for connections in arguments.connections:
                    elapsed, latencies, failures = asyncio.run(
                        run_load(port, paths[scenario], connections, *limits)
                    )
                    rows.append(
                        (
                            scenario,
                            str(connections),
                            str(len(latencies)),
                            str(failures),
                            f"{len(latencies) / elapsed:.0f}",
                            f"{statistics.median(latencies):.1f}",
                            f"{percentile(latencies, 0.95):.1f}",
                            f"{percentile(latencies, 0.99):.1f}",
                        )
                    )
                    print(" | ".join(rows[-1]), flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    header = ("scenario", "connections", "requests", "errors", "req/s", "p50 ms", "p95 ms")
    header += ("p99 ms",)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print()
    print(f"songs: {arguments.songs:,}, neighbour rows: {arguments.songs * arguments.neighbours:,}")
    print(f"load average before: {' '.join(f'{value:.2f}' for value in load_before)}")
    print(f"load average after:  {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) + " |")


def main() -> None:
    arguments = parse_arguments()
    use_database(arguments.database)
    if arguments.reload or not is_loaded(arguments):
        load(arguments)
    measure(arguments)


if __name__ == "__main__":
    main()
