"""Per-request member state: last-seen time, language and time zone."""

from django.utils import timezone, translation

from accounts.services import last_seen_touch, timezone_remember
from accounts.timezones import TIMEZONE_COOKIE, zone_or_none


class LastSeenMiddleware:
    """After authentication, mark the signed-in user as seen (throttled in the service)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            last_seen_touch(user=request.user)
        return self.get_response(request)


class LocalizationMiddleware:
    """Speak the reader's language and time zone.

    A member's saved language beats the browser's (it follows them to every device).
    The time zone comes from the account, else from the cookie app.js sets from the
    browser; a member without a saved zone gets the browser's saved once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        browser_zone = request.COOKIES.get(TIMEZONE_COOKIE)
        zone = zone_or_none(user.timezone) if user.is_authenticated else None
        if zone is None:
            zone = zone_or_none(browser_zone)
            if zone is not None and user.is_authenticated and not user.timezone:
                timezone_remember(user=user, timezone_name=browser_zone)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
