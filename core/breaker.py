"""A circuit breaker kept in the shared cache: after a service failed several times in a
row, stop calling it for a while, in every process, so that its outage costs one timeout
now and then instead of one per request."""

from django.core.cache import cache

from core.cache import counter_incr


class CircuitBreaker:
    """Open (calls refused) for `cooldown_seconds` after `failures` failures in a row."""

    def __init__(self, name: str, *, failures: int, cooldown_seconds: int):
        self.failures_key = f"breaker:{name}:failures"
        self.open_key = f"breaker:{name}:open"
        self.failures = failures
        self.cooldown_seconds = cooldown_seconds

    @property
    def is_open(self) -> bool:
        """Whether calls are refused for now (after the cooldown, one may try again)."""
        return cache.get(self.open_key) is not None

    def failed(self) -> None:
        """Count a failure; the last one allowed opens the breaker."""
        if counter_incr(self.failures_key, timeout=self.cooldown_seconds * 10) >= self.failures:
            cache.set(self.open_key, 1, timeout=self.cooldown_seconds)
            cache.delete(self.failures_key)

    def succeeded(self) -> None:
        """A call worked: failures start again from zero."""
        cache.delete(self.failures_key)
