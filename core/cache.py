"""Cache backends that fail soft: when the cache server is down, the site keeps answering.

The cache holds nothing that cannot be lost (rate-limit counters, cached fragments), so
while it is unreachable reads miss, writes are dropped and `add` pretends to succeed:
rate limits fail open rather than locking everybody out. The outage is logged once, and
its end too; the backends reconnect by themselves. A Redis that does not answer costs its
timeout: after one, a process leaves it alone for CACHE_REST_SECONDS (a page asks the
cache a dozen times, and took seconds).
"""

import logging
import sqlite3

from diskcache import DjangoCache, FanoutCache
from diskcache.core import Timeout
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from django.utils.functional import cached_property
from redis.exceptions import RedisError

from core.process_breaker import ProcessBreaker

logger = logging.getLogger(__name__)

# Method name -> what it answers while the cache is down.
FALLBACKS = {
    "add": lambda *args, **kwargs: True,
    "get": lambda key, default=None, version=None: default,
    "set": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "incr": lambda key, delta=1, version=None: delta,
    "decr": lambda key, delta=1, version=None: -delta,
    "set_many": lambda *args, **kwargs: [],
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: None,
}


# How long a process answers FALLBACKS without asking Redis, after Redis failed it.
CACHE_REST_SECONDS = 5


class FailSoftMixin:
    """Answer FALLBACKS instead of raising when the cache itself fails (`failures`), and
    without asking while its `breaker` (per process: backends are per thread) is open."""

    failures: tuple[type[Exception], ...] = ()
    breaker: ProcessBreaker | None = None
    _down = False

    def _fail_soft(self, name, *args, **kwargs):
        if self.breaker is not None and self.breaker.is_open:
            return FALLBACKS[name](*args, **kwargs)
        try:
            result = self._call(name, *args, **kwargs)
        except self.failures as error:
            if self.breaker is not None:
                self.breaker.failed()
            if not FailSoftMixin._down:
                FailSoftMixin._down = True
                logger.error("The cache is unavailable; going on without it: %s", error)
            return FALLBACKS[name](*args, **kwargs)
        if FailSoftMixin._down:
            FailSoftMixin._down = False
            logger.warning("The cache is available again.")
        return result

    def _call(self, name, *args, **kwargs):
        """The cache backend's own `name`."""
        return getattr(super(), name)(*args, **kwargs)


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._fail_soft(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"`{name}`, answering a harmless default while the cache is down."
    return method


for _name in FALLBACKS:
    setattr(FailSoftMixin, _name, _delegate(_name))


# Django makes a cache backend per thread and per asyncio task (each WebSocket is one), and
# each of Django's Redis backends and diskcache's opens connections of its own: 200 open
# sockets held 3,400 files and 200 MB, kept until the garbage collector ran. The backends
# below share one client per process and configuration (both are thread-safe).
_clients: dict[str, RedisCacheClient | FanoutCache] = {}


def _process_client(key: str, make):
    """The process's client for `key`, made by `make()` the first time."""
    client = _clients.get(key)
    if client is None:
        client = _clients.setdefault(key, make())
    return client


class FailSoftRedisCache(FailSoftMixin, RedisCache):
    """Django's Redis cache, soft on Redis outages; one client (and pool) per process."""

    failures = (RedisError, OSError)
    breaker = ProcessBreaker(cooldown_seconds=CACHE_REST_SECONDS)

    @cached_property
    def _cache(self):
        key = repr(("redis", self._servers, sorted(self._options.items())))
        return _process_client(key, lambda: self._class(self._servers, **self._options))


class FailSoftDiskCache(FailSoftMixin, DjangoCache):
    """diskcache's SQLite files, shared by the processes of one machine; soft on disk errors.

    Chosen over Django's file cache, which pickles, compresses and renames a file on every
    write: an API call's rate-limit count cost more than the rest of the call. diskcache
    counts atomically in SQLite, in microseconds.
    """

    failures = (OSError, sqlite3.Error, Timeout)

    def __init__(self, directory, params):
        # DjangoCache's own __init__ would open a FanoutCache for each backend.
        BaseCache.__init__(self, params)
        shards = params.get("SHARDS", 8)
        timeout = params.get("DATABASE_TIMEOUT", 0.010)
        options = params.get("OPTIONS", {})
        key = repr(("diskcache", str(directory), shards, timeout, sorted(options.items())))
        self._cache = _process_client(
            key, lambda: FanoutCache(directory, shards, timeout, **options)
        )

    def close(self, **kwargs):
        """Keep each thread's connections between requests (Django closes caches after each).

        Reopening them cost more than the counting.
        """


class FailSoftDatabaseCache(FailSoftMixin, DatabaseCache):
    """Django's database cache (shared by every machine), soft on a busy database."""

    failures = (DatabaseError,)

    def _call(self, name, *args, **kwargs):
        """Inside a transaction, in a savepoint: on PostgreSQL a failed query aborts the
        whole transaction, so a failing cache (a rate limit's count) would fail the write."""
        alias = router.db_for_write(self.cache_model_class)
        if not connections[alias].in_atomic_block:
            return super()._call(name, *args, **kwargs)
        with transaction.atomic(using=alias):
            return super()._call(name, *args, **kwargs)


def counter_incr(key: str, *, timeout: float | None = None) -> int:
    """Add one to the counter `key` in the shared cache, starting it at 0 (kept `timeout`
    seconds; None: until evicted); its new value. Versions of cached things move on so."""
    shared = caches["default"]
    shared.add(key, 0, timeout)
    try:
        return shared.incr(key)
    except ValueError:  # evicted between the two
        shared.set(key, 1, timeout)
        return 1
