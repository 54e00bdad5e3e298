"""Django's PostgreSQL backend, with a health check that costs no round trip when it need not.

With CONN_HEALTH_CHECKS (production), Django checks a kept connection before its first use in
each request, and its PostgreSQL backend does so by running `SELECT 1`: a round trip to the
server on every request that reads the database, which under load took the web processes more
of their time than reading the song did (docs/benchmarks.md). Between requests a connection in
autocommit mode is idle and the server sends it nothing, unless it is ending it: a restart, a
shutdown or `pg_terminate_backend` first sends an error and then closes the socket, and either
makes the socket readable. So the check here asks the kernel whether the socket is readable (or
hung up), and only then asks the server as Django does.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        # poll, not select: a busy web process can hold sockets numbered past select's 1024.
        try:
            poller = select.poll()
            poller.register(self.connection, select.POLLIN)
            quiet = not poller.poll(0)
        except (OSError, ValueError):
            quiet = False
        return quiet or super().is_usable()
