"""Rate limits on writes, kept in the shared cache, checked in the services.

A rate is "N/unit" ("10/minute"), several separated by commas ("10/minute,100/hour").
Each window is a fixed one (a counter that expires), cheap and shared by every process
that shares the cache; large limits are counted in small batches (see MAX_BATCH). When the
cache is down the limit is not applied (fail open).
"""

import threading
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
        cache_key = f"rl:{scope}:{window.seconds}:{key}:{start}"
        count = _batched_count(cache_key, window, expires=start + window.seconds)
        if count > window.limit:
            raise RateLimited(retry_after=max(1, int(start + window.seconds - now) + 1))


# Large limits (the API's 600 calls a minute) are counted in the shared cache in batches of
# one in a hundred (up to MAX_BATCH) per process: a shared count cost an API call a sixth
# of its time. A process sees its own calls at once, so a window of N admits at most N plus
# one hundredth of N per other process. Limits under 200 are counted one by one.
MAX_BATCH = 20
_pending: dict[str, list] = {}  # cache key -> [calls not yet shared, shared count, expires]
_pending_lock = threading.Lock()
_next_forget = 0.0


def _batched_count(cache_key: str, window: Window, *, expires: int) -> int:
    """The window's count with this action, as far as this process knows."""
    batch = min(MAX_BATCH, window.limit // 100)
    if batch <= 1:
        return _count(cache_key, window.seconds, 1)
    with _pending_lock:
        if cache_key not in _pending:
            _forget_ended_windows()
        entry = _pending.setdefault(cache_key, [0, 0, expires])
        entry[0] += 1
        if entry[0] < batch:
            return entry[1] + entry[0]
        delta, entry[0] = entry[0], 0
    shared = _count(cache_key, window.seconds, delta)
    with _pending_lock:
        entry[1] = max(entry[1], shared)
        return entry[1] + entry[0]


def forget_local_counts() -> None:
    """Drop this process's batched counts (when the shared cache has been cleared)."""
    with _pending_lock:
        _pending.clear()


def _forget_ended_windows() -> None:
    """Drop the local counts of windows that have ended, every few seconds at most.

    Called with the lock held, when a window starts: a scan per new window would grow
    with the number of members calling the API.
    """
    global _next_forget
    now = time.time()
    if now < _next_forget:
        return
    _next_forget = now + 10
    for cache_key in [k for k, entry in _pending.items() if entry[2] <= now]:
        del _pending[cache_key]


def _count(cache_key: str, seconds: int, delta: int) -> int:
    """Add `delta` to a window's counter, starting the window if it has not begun."""
    try:
        return default_cache.incr(cache_key, delta)
    except ValueError:  # no counter yet; another process may start it at the same moment
        if default_cache.add(cache_key, delta, timeout=seconds + 1):
            return delta
        return default_cache.incr(cache_key, delta)


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
