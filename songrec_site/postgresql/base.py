"""Django's PostgreSQL backend, with a health check that costs no round trip when it need not.

With CONN_HEALTH_CHECKS (production), Django checks a kept connection before its first use in
each request, and its PostgreSQL backend does so by running `SELECT 1`: a round trip to the
server on every request that reads the database, which on a busy machine costs more than the
song page's own query (docs/benchmarks.md). Between requests a connection in autocommit mode is
idle and the server sends it nothing, unless it is ending it: a restart, a shutdown or
`pg_terminate_backend` first sends an error and then closes the socket, and either makes the
socket readable. So the check here asks the kernel whether the socket is readable, and only then
asks the server as Django does.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if readable else True
