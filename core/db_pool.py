"""The check of PostgreSQL's connection pools, which finds the connections a restart cut."""

import psycopg
from django.db import connections
from psycopg_pool import ConnectionPool


class PoolCheck:
    """Check a connection as it leaves `alias`'s pool; when one fails, check every idle one.

    A restart of PostgreSQL cuts every pooled connection. Found one by one, psycopg's pool
    sleeps 1, 2, 4 s between them, and a request waited out its timeout for a 503 although
    the database was back; checked at once, the broken ones are replaced together.
    """

    def __init__(self, alias: str):
        self.alias = alias

    def __call__(self, conn: psycopg.Connection) -> None:
        try:
            ConnectionPool.check_connection(conn)
        except psycopg.Error:
            connections[self.alias].pool.check()
            raise
