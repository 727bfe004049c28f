"""A circuit breaker kept in this process's memory, for the services the shared cache's
breaker (core.breaker) cannot stand in for: the cache itself and the read replica."""

import time


class ProcessBreaker:
    """Open (calls spared) in this process for `cooldown_seconds` after a failure.

    One failure is enough: each costs a request a timeout, and the next try, after the
    cooldown, finds out whether the service is back.
    """

    def __init__(self, *, cooldown_seconds: float):
        self.cooldown_seconds = cooldown_seconds
        self.open_until = 0.0

    @property
    def is_open(self) -> bool:
        """Whether calls are spared for now."""
        return time.monotonic() < self.open_until

    def failed(self) -> None:
        """A call failed: spare the service for `cooldown_seconds`."""
        self.open_until = time.monotonic() + self.cooldown_seconds
