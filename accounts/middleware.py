"""Keep each member's "last seen" time roughly current without a write per request."""

from accounts.services import last_seen_touch


class LastSeenMiddleware:
    """After authentication, mark the signed-in user as seen (throttled in the service)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            last_seen_touch(user=request.user)
        return self.get_response(request)
