"""What the benchmarks share: a PostgreSQL database of their own, set up for Django."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres:postgres@localhost:5432/postgres"
ROOT = Path(__file__).resolve().parent.parent


# Benchmarks load the site from one address (127.0.0.1): rate limits would refuse most of it.
NO_RATE_LIMITS = {"SONGREC_RATE_LIMIT_SEARCH": "", "SONGREC_RATE_LIMIT_AUTOCOMPLETE": ""}


def production_environment(static_root: str, cache_url: str) -> dict[str, str]:
    """The environment of a site process with the production settings on 127.0.0.1, the cache
    at `cache_url`; collects the static files into `static_root` (the manifest they need)."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "songrec_site.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": static_root,
        "CACHE_URL": cache_url,
        "LOG_LEVEL": "WARNING",
        # Benchmarks send no mail.
        "SONGREC_ALLOW_CONSOLE_EMAIL": "true",
        **NO_RATE_LIMITS,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=environment, check=True)
    return environment


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A Markdown table of `rows` under `header`, columns padded to their widest cell."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) + " |")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(code: Path, site: dict[str, str], **settings: str) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the checkout at `code` on 127.0.0.1 with environment `site`
    (`production_environment`) and `settings`, once it answers /healthz; and its port."""
    port = free_port()
    environment = {
        **site,
        **settings,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "0",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    server = subprocess.Popen(
        ["gunicorn", "--config", "gunicorn.conf.py", "songrec_site.wsgi"],
        cwd=code,
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
    sys.exit(f"gunicorn ({code}) did not answer /healthz within 60 s")


def use_database(name: str) -> None:
    """Create and migrate database `name` on DATABASE_URL's server; point Django at it."""
    import psycopg2

    server = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_SERVER))
    if not server.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL: the benchmark measures PostgreSQL.")
    connection = psycopg2.connect(urlunsplit(server))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    os.environ["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{name}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "songrec_site.settings"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_synthetic_build(cursor, *, songs: int, per_song: int, input_path: str, parameters: dict):
    """An active, complete build whose neighbour rows are generated inside PostgreSQL.

    Each song 1..songs gets `per_song` neighbours spread over the catalogue, best first; the rows
    go into the build's own table and are indexed and attached as a real build's are. Returns it.
    """
    from recommendations import storage
    from recommendations.models import Build

    build = Build.objects.create(
        status=Build.Status.COMPLETE,
        is_active=True,
        input_path=input_path,
        parameters=parameters,
        song_count=songs,
        neighbour_count=songs * per_song,
    )
    storage.prepare(build.pk)
    # One series numbers the rows song by song, so a song's rows lie together in the table, as
    # build_recs loads them (the job writes each song's neighbours together). Two series joined
    # would leave the order to the planner, which put them rank by rank: a song's rows then lay
    # on as many pages as it has neighbours.
    cursor.execute(
        f"""
        INSERT INTO {storage.build_table(build.pk)}
            (build_id, song_key, neighbour_key, similarity, rank)
        SELECT %s, s, 1 + (s * 7919 + r * 104729) %% %s,
               0.9 - r * 0.03 + (s %% 7) * 0.001, r
        FROM generate_series(0::bigint, %s - 1) i,
             LATERAL (SELECT 1 + i / %s AS s, (1 + i %% %s)::int AS r) numbered
        """,
        [build.pk, songs, songs * per_song, per_song, per_song],
    )
    storage.attach(build.pk)
    return build
