"""API rate limits per member for token calls."""

from accounts.models import ApiToken
from core.api.throttling import WindowThrottle


class MemberRateThrottle(WindowThrottle):
    """Limit the calls made with a member's tokens, all of them together.

    Keyed by member, not by token: minting more tokens buys no more calls.
    """

    scope = "token"

    def key(self, request, view) -> int | None:
        """The token's owner; calls without a token are the anonymous throttle's."""
        if not isinstance(request.auth, ApiToken):
            return None
        return request.auth.user_id
