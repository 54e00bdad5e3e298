"""Load-test the site at full size: song pages, search and autocomplete through gunicorn.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/web_load.py [--songs 2000000] [--neighbours 20] \\
        [--connections 16 64] [--seconds 20] [--warm-up 30] [--zipf 1.0] [--workers N] \\
        [--gunicorn-threads N] [--cache-url URL] [--rates R ...] [--scenarios ...] [--reload]

The data goes into a database of its own (--database, default songrec_bench_web), created and
migrated here: songs with word-like generated names (about 40 per artist, each title word shared
by about a thousand titles) and `--neighbours` neighbour rows each, generated inside PostgreSQL
with generate_series and loaded into a build's own partition as build_recs does; reused by later
runs while the sizes match, and read into memory before measuring (`warm_database`: the tables
and indexes, 4.4 GiB, as a server that has been answering for a while holds them; the database
server needs the pg_prewarm extension, part of PostgreSQL's contrib). The figures depend on the
server's memory settings, which the output prints: to measure PostgreSQL as the compose stack
runs it, ALTER SYSTEM SET shared_buffers = '4GB' and effective_cache_size = '10GB', then restart
it. Then gunicorn serves the site with the production settings on 127.0.0.1 and `wrk` (Debian:
apt-get install wrk) keeps N keep-alive connections busy for --seconds per row, driven by
web_load.lua, which reports latency percentiles, non-200 answers and the X-Cache headers of the
answers. Loopback only.

Two kinds of row. "offered: max": each connection asks again as soon as it is answered, so the
site runs flat out and req/s is its capacity; the latencies are then mostly time spent queueing,
and by Little's law their mean is connections / req/s whatever the site does. "offered: R"
(--rates R ..., default 400): the connections together send R requests a second on a fixed
schedule, as visitors who pause between clicks would, so the latencies are what a visitor waits
while the site serves R requests a second. "late" is the share of sends that found every
connection still waiting (the site fell behind that rate): past 1%, that row's latencies
understate. "CPU µs/req" is the machine's busy CPU time over the row (/proc/stat: every process,
the site, PostgreSQL, Redis, wrk and the kernel) per request answered: what a request costs the
machine, which holds steadier between runs than req/s on a shared host; "steal" is the share of
the row's time the hypervisor gave to other guests. "vs target", on the song page and search
rows at 64 connections: the p99 over 100 ms and the p95 over 50 ms, the targets (song pages at
400 a second with a p99 of 100 ms or less, search p95 50 ms or less); 1.00 or less holds.

The request mix: songs are as popular as Zipf's law says (--zipf s: the song ranked r by playlist
count is asked for with a probability proportional to 1 / r^s, over all the songs), so a few
thousand songs take half of the requests and the long tail the rest.
- song page: /songs/<id>/ of a song drawn by popularity.
- song page, 500 songs: 500 songs drawn at random, then asked for evenly (what this benchmark
  measured before the page cache: nearly every request a hit once they are all cached).
- search: a song drawn by popularity, then one of four searches for it: the artist, the artist's
  first word and the title's first word, the title, or the title's second word.
- search, 800 searches: the four searches for each of 200 songs drawn by popularity, asked for
  evenly (about what this benchmark measured before the page cache).
- autocomplete: such a search typed letter by letter, one request per prefix of 2+ letters.
- search typo: the title with a letter dropped from each word (nothing contains it: near misses).
Each scenario warms up for --warm-up seconds at 16 connections on requests drawn the same way,
then each row gets fresh draws, so the cache's hit ratio is what that traffic earns, not a replay
(the warm-up's draws never repeat either: a longer warm-up is a site that has been answering for
longer, whose cache holds more of the long tail).
The site caches pages for anonymous visitors in --cache-url (default: a Redis database, emptied
first, as in production); the "cache hits" column counts X-Cache: hit answers. The rows marked
"no cache" come from a second gunicorn with SONGREC_PAGE_CACHE_SECONDS=0: what every request
would cost without it.
"""

import argparse
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import (  # noqa: E402
    markdown_table,
    production_environment,
    serve,
    use_database,
)
from benchmarks.web_data import is_loaded, load, server_settings, warm_database  # noqa: E402

LUA_SCRIPT = Path(__file__).with_suffix(".lua")
MIXES = ["song page", "song page, 500 songs", "search", "search, 800 searches", "autocomplete"]
MIXES += ["search typo"]
# Scenarios ending so are served by a second gunicorn with the page cache switched off.
NO_CACHE = ", no cache"
SCENARIOS = [*MIXES, f"song page{NO_CACHE}", f"search{NO_CACHE}"]
# Requests drawn per wrk run: more than a run at a few thousand requests a second gets through.
REQUESTS_PER_RUN = 60_000
# Requests drawn per second of warm-up: more than any scenario gets through here.
WARM_UP_REQUESTS_PER_SECOND = 4_000
DEFAULT_CACHE_URL = "redis://localhost:6379/2"
# The song page's target rate at 64 connections; each row is also measured at it by default.
TARGET_RATE = 400
# The latency targets at TARGET_CONNECTIONS: scenario -> (percentile, bound in ms).
TARGET_CONNECTIONS = 64
TARGETS = {"song page": ("p99", 100.0), "search": ("p95", 50.0)}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--songs", type=int, default=2_000_000)
    parser.add_argument("--neighbours", type=int, default=20, help="neighbour rows per song")
    parser.add_argument("--database", default="songrec_bench_web")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--seconds", type=int, default=20, help="per row")
    parser.add_argument("--warm-up", type=int, default=30, help="seconds per scenario")
    parser.add_argument("--zipf", type=float, default=1.0, help="popularity exponent s")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--gunicorn-threads", type=int, default=None, help="threads per worker")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--rates",
        type=int,
        nargs="*",
        default=[TARGET_RATE],
        help="offered loads to measure each row at too, requests a second (none: flat out only)",
    )
    parser.add_argument(
        "--cache-url",
        default=DEFAULT_CACHE_URL,
        help="the site's CACHE_URL; a redis:// database is emptied first",
    )
    parser.add_argument("--scenarios", nargs="+", default=SCENARIOS, choices=SCENARIOS)
    return parser.parse_args()


def popularity_ranking(songs: int) -> np.ndarray:
    """Song ids, most popular first: by playlist count as `load` generated it, then by id."""
    ids = np.arange(1, songs + 1, dtype=np.int64)
    counts = 1 + (ids * 7919) % 1000
    return ids[np.lexsort((ids, -counts))]


def popular_songs(ranking: np.ndarray, count: int, exponent: float, rng) -> np.ndarray:
    """`count` song ids drawn by Zipf's law: rank r with probability proportional to 1 / r^s."""
    weights = np.arange(1, len(ranking) + 1, dtype=np.float64) ** -exponent
    cumulative = np.cumsum(weights)
    drawn = np.searchsorted(cumulative, rng.random(count) * cumulative[-1])
    return ranking[np.minimum(drawn, len(ranking) - 1)]


def searches_for(artist: str, title: str) -> list[str]:
    """What people type to find a song: the artist, first words of both, the title, a word."""
    first, second = title.split()
    return [artist, f"{artist.split()[0]} {first}", title, second]


def request_paths(arguments: argparse.Namespace) -> dict[str, list[list[str]]]:
    """For each scenario, the warm-up's request paths, then a list for each number of
    connections, drawn as the docstring says (seeded)."""
    from django.db import connection

    from catalog.models import Song

    rng = np.random.default_rng(1)
    ranking = popularity_ranking(arguments.songs)
    # Enough draws that the warm-up never comes back to its own first requests.
    warm_up = max(REQUESTS_PER_RUN, arguments.warm_up * WARM_UP_REQUESTS_PER_SECOND)
    sizes = [warm_up] + [REQUESTS_PER_RUN] * len(arguments.connections) * (1 + len(arguments.rates))
    size = sum(sizes)
    # Typed letter by letter, a search makes about ten autocomplete requests.
    counts = {"song page": size, "search": size, "autocomplete": size // 4, "search typo": size}

    drawn = {
        scenario: popular_songs(ranking, count, arguments.zipf, rng)
        for scenario, count in counts.items()
    }
    needed = np.unique(
        np.concatenate([drawn["search"], drawn["autocomplete"], drawn["search typo"]])
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, artist, title FROM {Song._meta.db_table} WHERE id = ANY(%s)",
            [needed.tolist()],
        )
        names = {pk: (artist, title) for pk, artist, title in cursor}
    paths: dict[str, list[str]] = {scenario: [] for scenario in MIXES}
    paths["song page"] = [f"/songs/{pk}/" for pk in drawn["song page"]]
    few = rng.integers(1, arguments.songs + 1, 500)
    paths["song page, 500 songs"] = [f"/songs/{pk}/" for pk in rng.choice(few, size)]
    choices = rng.integers(0, 4, size)
    for pk, choice in zip(drawn["search"], choices, strict=True):
        text = searches_for(*names[int(pk)])[choice]
        paths["search"].append("/search?" + urlencode({"q": text}))
    few = [
        "/search?" + urlencode({"q": text})
        for pk in drawn["search"][:200]
        for text in searches_for(*names[int(pk)])
    ]
    paths["search, 800 searches"] = [few[i] for i in rng.integers(0, len(few), size)]
    for pk, choice in zip(drawn["autocomplete"], choices, strict=False):
        text = searches_for(*names[int(pk)])[choice]
        for end in range(2, len(text) + 1):
            paths["autocomplete"].append("/api/autocomplete?" + urlencode({"q": text[:end]}))
        if len(paths["autocomplete"]) >= size:
            break
    for pk in drawn["search typo"]:
        # One letter dropped from each word: nothing contains it, near misses answer.
        _, title = names[int(pk)]
        text = " ".join(word[:2] + word[3:] for word in title.split())
        paths["search typo"].append("/search?" + urlencode({"q": text}))
    bounds = list(itertools.pairwise(itertools.accumulate(sizes, initial=0)))
    return {
        scenario: [found[start:end] for start, end in bounds] for scenario, found in paths.items()
    }


def cpu_ticks() -> tuple[int, int, int]:
    """Clock ticks the machine's CPUs have spent since boot: busy (user, nice, system, irq and
    softirq, whatever the process), taken by the hypervisor (steal), and in all."""
    first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, first_line.split()[1:9])
    busy = user + nice + system + irq + softirq
    return busy, steal, busy + idle + iowait + steal


def run_wrk(
    port: int, paths: list[str], connections: int, seconds: int, threads: int, rate: int | None
) -> dict[str, float]:
    """What web_load.lua reports for `connections` keep-alive connections over `seconds`,
    sending `rate` requests a second (None: as fast as they are answered), with the machine's
    busy CPU time per request (`cpu_us`, every process: the site, its servers and wrk) and the
    share of time the hypervisor took (`steal`)."""
    before = cpu_ticks()
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as paths_file:
        paths_file.write("\n".join(paths) + "\n")
        paths_file.flush()
        threads = min(threads, connections)
        result = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
            + ["-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}", "--"]
            + [paths_file.name, str(threads)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "WEB_LOAD_RATE": str(rate)} if rate else None,
        )
    busy, steal, total = (
        after - earlier for after, earlier in zip(cpu_ticks(), before, strict=True)
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    seconds_busy = busy / os.sysconf("SC_CLK_TCK")
    report["cpu_us"] = 1e6 * seconds_busy / report["requests"] if report["requests"] else 0.0
    report["steal"] = steal / total if total else 0.0
    return report


def start_gunicorn(
    arguments: argparse.Namespace, site: dict[str, str], *, page_cache: bool
) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the site with environment `site` (`production_environment`), the page
    cache emptied first, or switched off; and its port."""
    if arguments.cache_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(arguments.cache_url).flushdb()
    settings = {} if page_cache else {"SONGREC_PAGE_CACHE_SECONDS": "0"}
    if arguments.workers:
        settings["WEB_CONCURRENCY"] = str(arguments.workers)
    if arguments.gunicorn_threads:
        settings["GUNICORN_THREADS"] = str(arguments.gunicorn_threads)
    return serve(ROOT, site, **settings)


def table_row(
    scenario: str, connections: int, rate: int | None, result: dict[str, float]
) -> tuple[str, ...]:
    answered = result["hits"] + result["misses"]
    return (
        scenario,
        str(connections),
        str(rate or "max"),
        f"{100 * result['late'] / result['sent']:.1f}%" if rate else "-",
        f"{result['requests']:.0f}",
        f"{result['non_200'] + result['socket_errors']:.0f}",
        f"{result['requests'] / result['seconds']:.0f}",
        f"{result['p50_ms']:.1f}",
        f"{result['p95_ms']:.1f}",
        f"{result['p99_ms']:.1f}",
        f"{100 * result['hits'] / answered:.0f}%" if answered else "-",
        f"{result['cpu_us']:.0f}",
        f"{100 * result['steal']:.1f}%",
        f"{os.getloadavg()[0]:.2f}",
        against_target(scenario, connections, result),
    )


def against_target(scenario: str, connections: int, result: dict[str, float]) -> str:
    """The row's latency as a share of its target (TARGETS), e.g. "p99 0.39"; "-" for rows
    without one."""
    if connections != TARGET_CONNECTIONS or scenario not in TARGETS:
        return "-"
    percentile, bound = TARGETS[scenario]
    return f"{percentile} {result[f'{percentile}_ms'] / bound:.2f}"


def measure(arguments: argparse.Namespace) -> None:
    database_settings = server_settings()
    paths = request_paths(arguments)
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as static_root:
        site = production_environment(static_root, arguments.cache_url)
        for page_cache in (True, False):
            scenarios = [
                scenario
                for scenario in arguments.scenarios
                if scenario.endswith(NO_CACHE) != page_cache
            ]
            if not scenarios:
                continue
            server, port = start_gunicorn(arguments, site, page_cache=page_cache)
            try:
                for scenario in scenarios:
                    warm_up, *runs = paths[scenario.removesuffix(NO_CACHE)]
                    run_wrk(port, warm_up, 16, arguments.warm_up, arguments.wrk_threads, None)
                    loads = itertools.product(arguments.connections, [*arguments.rates, None])
                    for (connections, rate), run in zip(loads, runs, strict=True):
                        result = run_wrk(
                            port, run, connections, arguments.seconds, arguments.wrk_threads, rate
                        )
                        rows.append(table_row(scenario, connections, rate, result))
                        print(" | ".join(rows[-1]), flush=True)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)

    header = ("scenario", "connections", "offered", "late", "requests", "errors", "req/s")
    header += ("p50 ms", "p95 ms")
    header += ("p99 ms", "cache hits", "CPU µs/req", "steal", "load 1m", "vs target")
    print()
    print(f"songs: {arguments.songs:,}, neighbour rows: {arguments.songs * arguments.neighbours:,}")
    print(f"cache: {arguments.cache_url}, Zipf exponent {arguments.zipf}")
    print(f"PostgreSQL: {database_settings} (compare docker-compose.yml's db service)")
    print(f"load average before: {' '.join(f'{value:.2f}' for value in load_before)}")
    print(f"load average after:  {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    markdown_table(header, rows)


def main() -> None:
    arguments = parse_arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk drives the load and is not installed: apt-get install wrk (Debian, Ubuntu).")
    use_database(arguments.database)
    if arguments.reload or not is_loaded(arguments):
        load(arguments)
    warm_database()
    measure(arguments)


if __name__ == "__main__":
    main()
