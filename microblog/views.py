"""Site-wide error handlers: JSON under /api/, the site's error pages elsewhere."""

import sys

from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import error_response
from core.middleware import temporary_failure_response


def bad_request(request, exception=None):
    """400: a malformed request (bad Host header, body too large for the form parser...)."""
    return error_response(request, 400, _("The request could not be understood."))


def permission_denied(request, exception=None):
    """403: not allowed."""
    return error_response(request, 403, _("You do not have permission to do that."))


def csrf_failure(request, reason=""):
    """403 for a form without a valid CSRF token: most often a page left open too long."""
    return error_response(
        request,
        403,
        _(
            "This form has expired or was sent from another site. "
            "Go back, reload the page and try again."
        ),
    )


def page_not_found(request, exception=None):
    """404: nothing at this address."""
    return error_response(request, 404, _("There is no such page or endpoint."))


def server_error(request):
    """500: our fault; ADMINS have been e-mailed. A database that cannot be reached (outside
    a view, where TemporaryErrorsMiddleware cannot see it) is a 503 instead."""
    exception = sys.exc_info()[1]
    # The failure may have come before LocaleMiddleware chose the reader's language.
    with translation.override(translation.get_language_from_request(request)):
        if exception is not None and (response := temporary_failure_response(request, exception)):
            return response
        return error_response(
            request, 500, _("An unexpected error happened; it has been reported.")
        )
