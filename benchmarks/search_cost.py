"""What one search or autocomplete request can cost at full size: the worst cases, before and after.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/search_cost.py --base /path/to/a/checkout/of/the/old/code \\
        [--songs 2000000] [--requests 20] [--concurrency 1 8] [--case-seconds 30] [--reload]

The songs are benchmarks/web_data.py's (word-like generated names), in a database of their own
(--database, default songrec_bench_cost; one neighbour row per song, which searches never read),
loaded once and reused while the sizes match. Two gunicorns serve it with the production
settings: the code of --base ("before") and this checkout ("after"), with the rate limits off,
so that every request reaches the view. Every request carries a parameter of its own (&x=N), so
the page cache never answers: what an anonymous client that varies its URLs costs.

Each case is asked --requests times per server, the two servers taking turns case by case, by
--concurrency clients at once (at 1: one request at a time, the cost of a request alone; more:
the same requests while others run). "server ms" is the time to the whole answer on loopback;
"SQL ms" is the time spent in PostgreSQL by one request alone (a case's first five requests),
measured in a process running each checkout's views (Django's test client, every statement
timed), and "statements" counts them; "answer" is what each checkout answered to the last of
them. A case stops issuing requests after --case-seconds per server and concurrency (the old
code's worst take seconds each).
"""

import argparse
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# Run as a script (and by itself, in the process timing each checkout's SQL): the helpers come
# from this checkout; the site's apps from the checkout under test (`main`).
sys.path.insert(0, str(ROOT))

from benchmarks.common import NO_RATE_LIMITS, markdown_table, serve  # noqa: E402

DEFAULT_CACHE_URL = "redis://localhost:6379/12"
# (case, view, text); "{typo}" is a song's title with a letter dropped from each word, a song of
# its own for each request (as web_load.py's "search typo").
CASES = [
    ("autocomplete, two letters matching nothing", "/api/autocomplete", "qx"),
    ("autocomplete, two common letters", "/api/autocomplete", "ka"),
    ("autocomplete, a common word start", "/api/autocomplete", "kalo"),
    ("autocomplete, a short typo", "/api/autocomplete", "kaloi"),
    ("autocomplete, a title with typos", "/api/autocomplete", "{typo}"),
    ("search, two letters matching nothing", "/search", "qx"),
    ("search, one letter", "/search", "a"),
    ("search, two common letters", "/search", "ka"),
    ("search, a title with typos", "/search", "{typo}"),
]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, help="a checkout of the code before the change")
    parser.add_argument("--songs", type=int, default=2_000_000)
    parser.add_argument("--neighbours", type=int, default=1, help="neighbour rows per song")
    parser.add_argument("--database", default="songrec_bench_cost")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--requests", type=int, default=20, help="per case, server, concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--case-seconds", type=float, default=30)
    parser.add_argument("--cache-url", default=DEFAULT_CACHE_URL, help="emptied first if Redis")
    parser.add_argument("--sql-times", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def typos(count: int) -> list[str]:
    """`count` song titles, each with the third letter of each word dropped (seeded)."""
    from django.db import connection

    from catalog.models import Song

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.5)")
        cursor.execute(
            f"SELECT title FROM {Song._meta.db_table} ORDER BY random() LIMIT %s", [count]
        )
        titles = [title for (title,) in cursor.fetchall()]
    return [" ".join(word[:2] + word[3:] for word in title.lower().split()) for title in titles]


def case_paths(requests: int) -> dict[str, list[str]]:
    """For each case, `requests` paths, each with a parameter of its own."""
    titles = iter(typos(len(CASES) * requests))
    numbers = itertools.count()
    return {
        case: [
            f"{view}?{urlencode({'q': next(titles) if text == '{typo}' else text})}"
            f"&x={next(numbers)}"
            for _ in range(requests)
        ]
        for case, view, text in CASES
    }


def time_sql(paths: dict[str, list[str]]) -> dict[str, dict]:
    """Each case's first paths through this checkout's views (test client, no page cache): the
    milliseconds spent in PostgreSQL per request, the statements, the last answer's gist."""
    from django.db import connection
    from django.test import Client

    client, spent = Client(), []

    def timed(execute, sql, parameters, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, parameters, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    results = {}
    for case, case_paths_ in paths.items():
        times, answer, deadline = [], "", time.monotonic() + 30
        for path in case_paths_[:5]:
            spent.clear()
            with connection.execute_wrapper(timed):
                response = client.get(path, HTTP_HOST="127.0.0.1")
            times.append(1000 * sum(spent))
            answer = gist(response.status_code, response.content.decode())
            if time.monotonic() > deadline:
                break
        results[case] = {"ms": times, "statements": len(spent), "answer": answer}
    return results


def gist(status: int, body: str) -> str:
    """What an answer says, in a few words: its results, none, or too broad."""
    if status != 200:
        return f"{status}"
    if "too many songs to rank" in body:
        return "too broad"
    if body.startswith("{"):
        return f"{len(json.loads(body)['results'])} results"
    if "spelt closest" in body:
        return "near misses"
    return "no results" if "No songs match" in body else "results"


def sql_times(code: Path, database: str, paths: dict[str, list[str]]) -> dict[str, dict]:
    """`time_sql` run by the checkout at `code`, in a process of its own."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as paths_file:
        json.dump(paths, paths_file)
        paths_file.flush()
        result = subprocess.run(
            [sys.executable, __file__, "--sql-times", paths_file.name, "--database", database],
            cwd=code,
            env={
                **os.environ,
                **NO_RATE_LIMITS,
                "SONGREC_PAGE_CACHE_SECONDS": "0",
                "CODE": str(code),
            },
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def fetch(port: int, path: str) -> tuple[float, int]:
    """(milliseconds to the whole answer, status) of GET `path`."""
    # As from the TLS-terminating proxy, which the production settings expect.
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return 1000 * (time.perf_counter() - started), status


def serve_times(port: int, paths: list[str], concurrency: int, seconds: float) -> list[float]:
    """Milliseconds per request for `paths`, `concurrency` at a time, until `seconds` pass."""
    deadline = time.monotonic() + seconds
    times: list[float] = []

    def one(path: str) -> None:
        if time.monotonic() < deadline:
            milliseconds, status = fetch(port, path)
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            times.append(milliseconds)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, paths))
    return times


def spread(times: list[float]) -> str:
    """p50 / p95 / max of `times`, in milliseconds."""
    if not times:
        return "-"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.0f} / {p95:.0f} / {ordered[-1]:.0f}"


def measure(arguments: argparse.Namespace, paths: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """The table's rows: for each case and concurrency, both servers' times and the SQL's."""
    from benchmarks.common import production_environment

    checkouts = {"before": arguments.base.resolve(), "after": ROOT}
    sql = {label: sql_times(code, arguments.database, paths) for label, code in checkouts.items()}
    if arguments.cache_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(arguments.cache_url).flushdb()
    rows, servers = [], {}
    with tempfile.TemporaryDirectory() as static_root:
        site = production_environment(static_root, arguments.cache_url)
        try:
            for label, code in checkouts.items():
                servers[label] = serve(code, site)
            for case, concurrency in itertools.product(paths, arguments.concurrency):
                # Each server its own parameters: one must not answer from the other's pages.
                times = {
                    label: serve_times(
                        port,
                        [f"{path}-{label}-{concurrency}" for path in paths[case]],
                        concurrency,
                        arguments.case_seconds,
                    )
                    for label, (_, port) in servers.items()
                }
                rows.append(
                    (
                        case,
                        str(concurrency),
                        *(f"{len(times[label])}: {spread(times[label])}" for label in checkouts),
                        *(spread(sql[label][case]["ms"]) for label in checkouts),
                        *(str(sql[label][case]["statements"]) for label in checkouts),
                        *(sql[label][case]["answer"] for label in checkouts),
                    )
                )
                print(" | ".join(rows[-1]), flush=True)
        finally:
            for server, _ in servers.values():
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
    return rows


def print_table(arguments: argparse.Namespace, rows: list[tuple[str, ...]], load: str) -> None:
    from benchmarks.web_data import server_settings

    header = ("case", "clients", "before: n: server ms p50 / p95 / max", "after: n: server ms")
    header += ("before: SQL ms p50 / p95 / max", "after: SQL ms", "statements before")
    header += ("after", "answer before", "after")
    print()
    print(f"songs: {arguments.songs:,}; PostgreSQL: {server_settings()}")
    print(f"load average before: {load}; after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    markdown_table(header, rows)


def main() -> None:
    arguments = parse_arguments()
    sys.path.insert(0, os.environ.get("CODE", str(ROOT)))
    from benchmarks.common import use_database

    use_database(arguments.database)
    if arguments.sql_times:
        print(json.dumps(time_sql(json.loads(arguments.sql_times.read_text()))))
        return
    if arguments.base is None:
        sys.exit("--base: a checkout of the code to compare with (git worktree add PATH COMMIT)")
    from benchmarks.web_data import is_loaded, load, warm_database

    if arguments.reload or not is_loaded(arguments):
        load(arguments)
    warm_database()
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    rows = measure(arguments, case_paths(arguments.requests))
    print_table(arguments, rows, load_before)


if __name__ == "__main__":
    main()
