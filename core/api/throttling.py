"""API rate limits as fixed-window counters in the shared cache (core.ratelimit).

DRF's own throttles keep every request's timestamp in one cache entry and rewrite the
whole list on each call: with 600 calls a minute that is 600 floats pickled per request.
A counter costs the same whatever the rate. Rates read settings at each call, so they
follow `override_settings`, and take core.ratelimit's form ("600/minute,10000/day").
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.ratelimit import RateLimited, rate_limit


class WindowThrottle(BaseThrottle):
    """Count calls per `key()` against the rate named `scope` in DEFAULT_THROTTLE_RATES."""

    scope = ""

    def key(self, request, view) -> str | None:
        """Whose calls these are; None leaves the call to another throttle."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        """Count the call; False once a window is full."""
        key = self.key(request, view)
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope_of(view))
        if key is None or not rate:
            return True
        try:
            rate_limit(scope=f"api:{self.scope_of(view)}", key=key, rate=rate)
        except RateLimited as limited:
            self.retry_after = limited.retry_after
            return False
        return True

    def scope_of(self, view) -> str:
        """The name of the rate that applies."""
        return self.scope

    def wait(self) -> int:
        """Seconds until the full window ends (Retry-After)."""
        return self.retry_after


class AnonymousThrottle(WindowThrottle):
    """Calls without a token, per client address (NUM_PROXIES decides whom to believe)."""

    scope = "anon"

    def key(self, request, view) -> str | None:
        """The client's address, for calls without a signed-in user."""
        if request.user.is_authenticated:
            return None
        # A server that reports no address (a Unix socket) still counts, as one client.
        return self.get_ident(request) or "unknown"


class ScopedThrottle(WindowThrottle):
    """Views with a `throttle_scope` (token requests, registrations), per member or address."""

    def scope_of(self, view) -> str:
        """The view's own scope."""
        return getattr(view, "throttle_scope", "")

    def key(self, request, view) -> str | None:
        """The member, or the client's address without one; None for unscoped views."""
        if not self.scope_of(view):
            return None
        if request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{self.get_ident(request)}"
