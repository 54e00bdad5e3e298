"""Statements PostgreSQL parses and plans once per connection, not on every execution.

For the short statements a page runs, parsing and planning cost PostgreSQL more than running
them: the song page's statement takes about 1 ms each time it is sent as text and 0.3 ms as a
prepared statement (docs/benchmarks.md). A prepared statement lives as long as its connection
(a rollback keeps it), so each statement is prepared the first time a connection runs it. Not
for a connection pooler that hands one client several server connections (PgBouncer in
transaction mode); the site connects to PostgreSQL directly.
"""

import functools
import hashlib
from collections.abc import Sequence

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


def execute_prepared(cursor: CursorWrapper, sql: str, parameters: Sequence[object]) -> None:
    """Run `sql` (parameters as %s, no other %) with `parameters` on `cursor`: on PostgreSQL as
    a statement prepared on the cursor's connection the first time it runs there; elsewhere as
    it is."""
    database = cursor.db
    if database.vendor != "postgresql":
        cursor.execute(sql, parameters)
        return
    name = _name(sql)
    prepared = _prepared_on(database)
    if name not in prepared:
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        prepared.add(name)
    placeholders = ", ".join(["%s"] * len(parameters))
    cursor.execute(
        f"EXECUTE {name}({placeholders})" if parameters else f"EXECUTE {name}", parameters
    )


def _prepared_on(database: BaseDatabaseWrapper) -> set[str]:
    """The names of the statements prepared on `database`'s current server connection. Django
    keeps one wrapper per thread and replaces the connection inside it when it reconnects, and
    a new connection has none."""
    connection, names = getattr(database, "_prepared_statements", (None, set()))
    if connection is not database.connection:
        names = set()
        database._prepared_statements = (database.connection, names)
    return names


@functools.cache
def _name(sql: str) -> str:
    """The name `sql` is prepared under: worked out once per process, not on every page."""
    return "prepared_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()


def _numbered(sql: str) -> str:
    """`sql` with its %s placeholders numbered as PREPARE wants them: $1, $2, ..."""
    first, *rest = sql.split("%s")
    if "%" in "".join([first, *rest]):
        raise ValueError("a prepared statement's text has no % but its placeholders")
    return first + "".join(f"${number}{part}" for number, part in enumerate(rest, start=1))
