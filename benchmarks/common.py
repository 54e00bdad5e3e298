"""What the benchmarks share: a PostgreSQL database of their own, set up for Django."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres:postgres@localhost:5432/postgres"


def use_database(name: str) -> None:
    """Create database `name` on DATABASE_URL's server if missing, and point Django at it."""
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
