"""Rate limits on writes, kept in the shared cache, checked in the services.

A rate is "N/unit" ("10/minute"), several separated by commas ("10/minute,100/hour").
Each window is a fixed one (a counter that expires), cheap and shared by every process
that shares the cache. When the cache is down the limit is not applied (fail open).
"""

import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.checks import Error
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
        count = _count(f"rl:{scope}:{window.seconds}:{key}:{start}", window.seconds)
        if count > window.limit:
            raise RateLimited(retry_after=max(1, int(start + window.seconds - now) + 1))


def _count(cache_key: str, seconds: int) -> int:
    """Add one to a window's counter, starting the window if this is its first action."""
    try:
        return default_cache.incr(cache_key)
    except ValueError:  # no counter yet; another process may start it at the same moment
        if default_cache.add(cache_key, 1, timeout=seconds + 1):
            return 1
        return default_cache.incr(cache_key)


def rate_settings_check(app_configs, **kwargs) -> list[Error]:
    """Every *_RATE setting and API throttle rate parses (a typo fails at start, not later)."""
    rates = {name: getattr(settings, name) for name in dir(settings) if name.endswith("_RATE")}
    throttles = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    rates |= {f"DEFAULT_THROTTLE_RATES[{scope!r}]": rate for scope, rate in throttles.items()}
    errors = []
    for name, rate in rates.items():
        try:
            parse_rate(rate or "")
        except ValueError as error:
            errors.append(Error(f"{name} = {rate!r}: {error}", id="core.E001"))
    return errors
