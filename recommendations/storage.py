"""Where each build's neighbour rows live.

PostgreSQL: `recommendations_neighbour` is partitioned by build. A build loads into a table of its
own (no index while COPY runs), gets its primary key and a CHECK on its build id, and is attached
as a partition; attaching takes no lock that blocks readers. Removing a build detaches its
partition concurrently and drops the detached table, so serving queries never wait on it.
Other databases (SQLite in the quick start) keep every build in one table.
"""

from django.db import connection, transaction

from recommendations.models import Neighbour

TABLE = Neighbour._meta.db_table


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def build_table(build_id: int) -> str:
    """The table a build's rows are written to."""
    return f"{TABLE}_b{int(build_id)}" if partitioned() else TABLE


def prepare(build_id: int) -> None:
    """Create the build's own table (PostgreSQL), empty and without indexes."""
    if partitioned():
        table = build_table(build_id)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TABLE {table} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )


def attach(build_id: int) -> None:
    """Index the loaded rows and make them part of the neighbour table (PostgreSQL)."""
    if partitioned():
        table, build_id = build_table(build_id), int(build_id)
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_build CHECK (build_id = {build_id}), "
                f"ADD PRIMARY KEY (build_id, song_key, rank)"
            )
            cursor.execute(
                f"ALTER TABLE {TABLE} ATTACH PARTITION {table} FOR VALUES IN ({build_id})"
            )


def add_partition(build_id: int) -> None:
    """An empty, attached partition for a build whose rows are written through the ORM."""
    if partitioned():
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {build_table(build_id)} PARTITION OF {TABLE} "
                f"FOR VALUES IN ({int(build_id)})"
            )


def remove(build_id: int) -> None:
    """Delete a build's rows: detach and drop its partition, or delete them (other databases)."""
    if not partitioned():
        Neighbour.objects.filter(build_id=build_id).delete()
        return
    table = build_table(build_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(%s))", [table]
        )
        if cursor.fetchone()[0]:
            # CONCURRENTLY cannot run inside a transaction block (tests wrap one around everything).
            concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {table}{concurrently}")
        with transaction.atomic():
            cursor.execute(f"DROP TABLE {table}")
