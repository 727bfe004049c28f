"""Rate limits kept in the shared cache: per token, per IP for anonymous calls."""

from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Limit each API token (not each user: a leaked token cannot drain its owner's quota)."""

    scope = "token"

    def get_cache_key(self, request, view):
        """Key by token; calls without one are the anonymous throttle's business."""
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
