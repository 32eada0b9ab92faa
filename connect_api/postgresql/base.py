"""Django's PostgreSQL backend whose connection health check is local: no `SELECT 1`.

With CONN_HEALTH_CHECKS, Django checks a persistent connection before its first use in each
request; the stock check is a `SELECT 1`, one more round trip per request. This one asks the
operating system instead: a connection that is closed, broken, or has bytes waiting while idle
(a server going away sends its termination notice and closes the socket) is not usable, so the
request opens a fresh one, as with the stock check. Anything else it would not see (a silently
dropped network path) fails the request's first query, and Django then closes the connection
at the request's end, as it does with the stock check between its `SELECT 1` and the query.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable  # an idle connection has nothing to read
