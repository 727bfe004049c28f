"""Site-wide error handlers."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error as html_server_error

from microblog.api.errors import error_body


def server_error(request, template_name="500.html"):
    """The API's clients get the JSON error body; browsers get the 500 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(500, _("An unexpected error happened; it has been reported.")), status=500
        )
    return html_server_error(request, template_name)
