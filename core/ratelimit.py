"""Rate limits on writes, kept in the shared cache, checked in the services.

A rate is "N/unit" ("10/minute"), several separated by commas ("10/minute,100/hour").
Each window is a fixed one (a counter that expires), cheap and shared by every process
that shares the cache. When the cache is down the limit is not applied (fail open).
"""

import time
from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as default_cache
from django.utils.translation import ngettext

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class RateLimited(Exception):
    """Too many actions of one kind: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            ngettext(
                "You are doing that too often. Try again in %(seconds)d second.",
                "You are doing that too often. Try again in %(seconds)d seconds.",
                retry_after,
            )
            % {"seconds": retry_after}
        )


@dataclass(frozen=True)
class Window:
    """At most `limit` actions per `seconds`."""

    limit: int
    seconds: int


@cache
def parse_rate(rate: str) -> tuple[Window, ...]:
    """The windows of a rate such as "10/minute,100/hour" (an empty rate has none)."""
    windows = []
    for part in filter(None, (piece.strip() for piece in rate.split(","))):
        limit, _slash, unit = part.partition("/")
        if unit not in UNITS:
            raise ValueError(f"Unknown unit in the rate {rate!r}; use {', '.join(UNITS)}.")
        windows.append(Window(int(limit), UNITS[unit]))
    return tuple(windows)


def rate_limit(*, scope: str, key, rate: str) -> None:
    """Count one action of `key` in `scope`; raise RateLimited when a window is full."""
    now = time.time()
    for window in parse_rate(rate):
        start = int(now // window.seconds * window.seconds)
        cache_key = f"rl:{scope}:{window.seconds}:{key}:{start}"
        default_cache.add(cache_key, 0, timeout=window.seconds + 1)
        try:
            count = default_cache.incr(cache_key)
        except ValueError:  # expired between add and incr: a new window begins
            default_cache.add(cache_key, 1, timeout=window.seconds + 1)
            count = 1
        if count > window.limit:
            raise RateLimited(retry_after=max(1, int(start + window.seconds - now) + 1))
