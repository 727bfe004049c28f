"""API rate limits kept in the shared cache: per member for token calls."""

from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class MemberRateThrottle(SimpleRateThrottle):
    """Limit the calls made with a member's tokens, all of them together.

    Keyed by member, not by token: minting more tokens buys no more calls.
    """

    scope = "token"

    def get_cache_key(self, request, view):
        """Key by the token's owner; calls without a token are the anonymous throttle's."""
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.user_id}
