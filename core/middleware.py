"""Middleware with no domain: request size, and errors that are nobody's fault."""

from django.conf import settings
from django.utils.translation import gettext as _

from core.db import is_database_busy, is_database_unavailable
from core.errors import error_response
from core.ratelimit import RateLimited

BUSY_RETRY_AFTER_SECONDS = 2
UNAVAILABLE_RETRY_AFTER_SECONDS = 5


def body_too_large(content_length: str | None) -> bool:
    """Whether a declared Content-Length exceeds REQUEST_MAX_BYTES."""
    try:
        return int(content_length or 0) > settings.REQUEST_MAX_BYTES
    except ValueError:
        return False


def body_too_large_response(request):
    """413, in the form the client reads."""
    return error_response(
        request,
        413,
        _("The request is larger than the limit of %(megabytes)d MB.")
        % {"megabytes": settings.REQUEST_MAX_BYTES // (1024 * 1024)},
    )


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is over REQUEST_MAX_BYTES before reading it.

    Django reads a body lazily and only as far as its declared length (every server runs the
    site through its WSGI handler), so a body without one is never read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if body_too_large(request.META.get("CONTENT_LENGTH")):
            return body_too_large_response(request)
        return self.get_response(request)


class TemporaryErrorsMiddleware:
    """A rate limit (429) or a busy database (503) is answered clearly, never as a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        """Turn temporary failures into responses that say when to come back."""
        return temporary_failure_response(request, exception)


def temporary_failure_response(request, exception: BaseException):
    """429 for a rate limit, 503 for a busy or unreachable database; None for other errors.

    Also used by the site's 500 handler, for failures outside views (a session or a member
    read by a middleware while the database is down).
    """
    if isinstance(exception, RateLimited):
        return error_response(
            request, 429, str(exception), headers={"Retry-After": str(exception.retry_after)}
        )
    if is_database_busy(exception):
        return error_response(
            request,
            503,
            _("The site is busy. Nothing was changed; please try again in a moment."),
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
        )
    if is_database_unavailable(exception):
        return error_response(
            request,
            503,
            _(
                "The site cannot reach its database just now. Nothing was changed; "
                "please try again in a moment."
            ),
            headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
    return None
