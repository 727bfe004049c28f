"""The check of PostgreSQL's connection pools, which finds the connections a restart cut."""

import select

import psycopg
from django.db import connections
from psycopg_pool import ConnectionPool


class PoolCheck:
    """Check a connection as it leaves `alias`'s pool; when one fails, check every idle one.

    An idle connection has nothing to read unless the server wrote to it, and a server that
    ends a connection (a restart, a failover, an administrator) says so or closes it: only
    then is a query to the server worth its round trip (100 µs, on every request). A
    restart cuts every pooled connection; found one by one, psycopg's pool sleeps 1, 2, 4 s
    between them, and a request waited out its timeout for a 503 although the database was
    back: checked at once, the broken ones are replaced together.
    """

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, conn: psycopg.Connection) -> None:
        if not conn.closed and not _has_input(conn.fileno()):
            return
        try:
            ConnectionPool.check_connection(conn)
        except psycopg.Error:
            connections[self.alias].pool.check()
            raise


def _has_input(fd: int) -> bool:
    # poll(), not select(): a web process with many WebSockets has descriptors over 1024.
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
