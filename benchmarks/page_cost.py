"""What one page costs inside a web process: a hit and a miss of the page cache, per cache setup.

    DATABASE_URL=postgres://postgres:postgres@localhost:5432/postgres \\
        .venv/bin/python benchmarks/page_cost.py [--requests 2000]

Reads the database `benchmarks/web_load.py` loads (run that first), with the production settings,
and calls Django's WSGI handler directly, one request at a time, no server and no network: the
CPU and round trips of the site itself. Columns: a song page, a search page and a search with
typos (near misses); rows: each as a hit from Redis alone (SONGREC_PAGE_CACHE_LOCAL_PAGES=0), a
hit from the process's own copy, and a miss (the page cache off: every request rendered). Each
setup runs in a process of its own. Figures: microseconds per request, in all, of the web
process's CPU (the rest waits on PostgreSQL or Redis) and inside PostgreSQL's statements (the
time `cursor.execute` takes, round trips included). `--database` reads another database of
`web_data`'s songs (search_cost.py's `songrec_bench_cost`).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import production_environment  # noqa: E402
from benchmarks.measure import table  # noqa: E402

CACHE_URL = "redis://localhost:6379/3"
SETUPS = {
    "hit, Redis": {"SONGREC_PAGE_CACHE_LOCAL_PAGES": "0"},
    "hit, own copy": {},
    "miss (rendered)": {"SONGREC_PAGE_CACHE_SECONDS": "0"},
}


def environ(path: str, query: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def measure_here(requests: int) -> dict[str, list[float]]:
    """Microseconds per request for each kind of page, in this process (the child's side): in
    all, of this process's CPU (the rest is waiting on PostgreSQL and Redis) and inside the
    database's statements."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    in_sql = [0.0]

    def timed(execute, sql, parameters, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, parameters, many, context)
        finally:
            in_sql[0] += time.perf_counter() - started

    from catalog.models import Song

    application = WSGIHandler()
    popular = Song.objects.order_by("-playlist_count")[: requests : max(1, requests // 500)]
    pages = {
        "song page": [(song.get_absolute_url(), "") for song in popular],
        "search": [("/search", f"q={song.title.split()[0]}") for song in popular],
        # The title with the third letter of each word dropped (web_load's "search typo"): no
        # song contains it, so the page lists near misses.
        "search typo": [
            ("/search", urlencode({"q": " ".join(w[:2] + w[3:] for w in song.title.split())}))
            for song in popular
        ],
    }

    def get(path: str, query: str) -> None:
        status = []
        b"".join(application(environ(path, query), lambda line, headers: status.append(line)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}?{query}: {status[0]}")

    result = {}
    for kind, paths in pages.items():
        for page in paths:  # warm: rendered once, stored, connections open
            get(*page)
        started, started_cpu = time.perf_counter(), time.process_time()
        in_sql[0] = 0.0
        with connection.execute_wrapper(timed):
            for number in range(requests):
                get(*paths[number % len(paths)])
        elapsed = [time.perf_counter() - started, time.process_time() - started_cpu, in_sql[0]]
        result[kind] = [seconds / requests * 1e6 for seconds in elapsed]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database", default="songrec_bench_web")
    parser.add_argument("--cache-url", default=CACHE_URL, help="a Redis database, emptied")
    parser.add_argument("--setups", nargs="+", choices=SETUPS, default=list(SETUPS))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(measure_here(arguments.requests)))
        return
    server = urlsplit(os.environ.get("DATABASE_URL", "postgres://localhost/postgres"))
    os.environ["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{arguments.database}"))
    with tempfile.TemporaryDirectory() as static_root:
        base = production_environment(static_root, arguments.cache_url)
        rows = []
        for setup in arguments.setups:
            settings = SETUPS[setup]
            redis.Redis.from_url(arguments.cache_url).flushdb()
            child = [sys.executable, __file__, "--child", "--requests", str(arguments.requests)]
            output = subprocess.run(
                child, env={**base, **settings}, check=True, capture_output=True, text=True
            ).stdout
            costs = json.loads(output.splitlines()[-1])
            values = (
                value for kind in ("song page", "search", "search typo") for value in costs[kind]
            )
            rows.append([setup, *(f"{value:.0f}" for value in values)])
    headers = ["setup"]
    for kind in ("song page", "search", "search typo"):
        headers += [f"{kind} µs", "of it CPU", "of it SQL"]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
