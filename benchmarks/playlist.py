"""Time playlist proposals on the web benchmark's 2M-song database: the selector, and
`/api/playlist` answered by gunicorn with the production settings.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/playlist.py [--sizes 1 5 20 50] [--n 20] [--runs 50]

The data is benchmarks/web_data.py's (--songs, --neighbours: K = 20 like a build), in --database
(default songrec_bench_playlist): reused when its active build says it holds those sizes, loaded
otherwise (--reload forces it). Each run asks about a
different playlist of random songs; the first run of each size is left out, and the server gets
WARM_UP_REQUESTS requests before any is timed. Requests go one at a time over HTTP from this
process, so the endpoint's times include the round trip.
"""

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import (  # noqa: E402
    markdown_table,
    production_environment,
    serve,
    use_database,
)

# Enough requests to reach every gunicorn worker and thread before the measured ones.
WARM_UP_REQUESTS = 20


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--songs", type=int, default=2_000_000)
    parser.add_argument("--neighbours", type=int, default=20, help="neighbour rows per song")
    parser.add_argument("--database", default="songrec_bench_playlist")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--n", type=int, default=20, help="proposals asked for")
    parser.add_argument("--runs", type=int, default=50, help="per playlist size")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def playlists(arguments: argparse.Namespace, size: int, what: str) -> list[list[int]]:
    """--runs + 1 playlists of `size` random song ids (ids run from 1 to --songs), different
    for each `what` measured: rows one read would be in memory for the other."""
    generator = random.Random(f"{arguments.seed}-{size}-{what}")
    return [
        generator.sample(range(1, arguments.songs + 1), size) for _ in range(arguments.runs + 1)
    ]


def percentiles(seconds: list[float]) -> tuple[str, str, str]:
    """p50, p95 and max in milliseconds, the warm-up run left out."""
    milliseconds = sorted(value * 1000 for value in seconds[1:])
    p95 = statistics.quantiles(milliseconds, n=20, method="inclusive")[-1]
    return tuple(
        f"{value:.1f}" for value in (statistics.median(milliseconds), p95, milliseconds[-1])
    )


def time_selector(ids: list[int], n: int) -> tuple[float, int]:
    """What the endpoint reads: the songs by id, then the ranking; (seconds, proposals)."""
    from playlists import selectors

    started = time.perf_counter()
    songs, unknown = selectors.songs_by_ids(ids)
    ranked = selectors.proposals(keys=[song.key for song in songs], limit=n)
    assert not unknown, unknown
    return time.perf_counter() - started, len(ranked)


def time_endpoint(port: int, ids: list[int], n: int) -> float:
    url = f"http://127.0.0.1:{port}/api/playlist?songs={','.join(map(str, ids))}&n={n}"
    # As the proxy in front says it: the production settings redirect plain HTTP.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
    elapsed = time.perf_counter() - started
    assert "proposals" in json.loads(body)
    return elapsed


def measure(arguments: argparse.Namespace, port: int) -> list[tuple[str, ...]]:
    # Every worker's first requests import and connect: not what is measured.
    for ids in playlists(arguments, 1, "warm-up")[:WARM_UP_REQUESTS]:
        time_endpoint(port, ids, arguments.n)
    rows = []
    for size in arguments.sizes:
        selector_seconds, endpoint_seconds, counts = [], [], []
        for ids in playlists(arguments, size, "selector"):
            seconds, count = time_selector(ids, arguments.n)
            selector_seconds.append(seconds)
            counts.append(count)
        for ids in playlists(arguments, size, "endpoint"):
            endpoint_seconds.append(time_endpoint(port, ids, arguments.n))
        rows.append(
            (
                str(size),
                str(arguments.n),
                str(arguments.runs),
                *percentiles(selector_seconds),
                *percentiles(endpoint_seconds),
                f"{statistics.mean(counts[1:]):.1f}",
            )
        )
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = (
        "songs in playlist",
        "n",
        "runs",
        "selector p50 ms",
        "p95 ms",
        "max ms",
        "endpoint p50 ms",
        "p95 ms",
        "max ms",
        "proposals (mean)",
    )
    print()
    markdown_table(header, rows)


def main() -> None:
    arguments = parse_arguments()
    use_database(arguments.database)
    from benchmarks.web_data import is_loaded, load, server_settings

    if arguments.reload or not is_loaded(arguments):
        load(arguments)
    with tempfile.TemporaryDirectory() as static_root:
        site = production_environment(static_root, "locmemcache://playlist-benchmark")
        server, port = serve(ROOT, {**site, "DATABASE_URL": os.environ["DATABASE_URL"]})
        try:
            rows = measure(arguments, port)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    print(
        f"\n{arguments.songs:,} songs, {arguments.neighbours} neighbour rows each; "
        f"{server_settings()}"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
