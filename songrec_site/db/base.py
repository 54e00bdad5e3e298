"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a kept connection before each request's first statement
by sending `SELECT 1`: one more round trip on every page that reads the database, which under
load waits as long as a real statement for PostgreSQL to be scheduled. Here the check looks at
the connection's socket instead: an idle connection between requests receives nothing, so a
connection whose socket has something to read has been closed or terminated by the server (a
restart, pg_terminate_backend), which sends its last words there, and Django opens a new one.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False
