"""Error responses in the form the client reads: the API's JSON error body under /api/,
an error page elsewhere. Every error the site answers itself goes through here."""

from django.http import HttpResponse, JsonResponse
from django.template import loader

from core.api.errors import error_body


def is_api_request(request) -> bool:
    """Whether the request is for the JSON API."""
    return request.path_info.startswith("/api/")


# Statuses whose request may itself be what is broken (a bad Host header, a body too large,
# a failure half-way, a database that cannot be reached to read the member): their pages
# render without it, as Django's own error views do.
UNTRUSTED_REQUEST_STATUSES = {400, 413, 500, 503}


def error_response(request, status: int, message: str | None = None, *, headers=None):
    """The error response for `status`: JSON under /api/, else the `<status>.html` page."""
    if is_api_request(request):
        return JsonResponse(error_body(status, message), status=status, headers=headers)
    trusted = status not in UNTRUSTED_REQUEST_STATUSES
    body = loader.get_template(f"{status}.html").render(
        {"message": message}, request if trusted else None
    )
    return HttpResponse(body, status=status, headers=headers)
