"""Error responses in the form the client reads: the API's JSON error body under /api/,
an error page elsewhere. Every error the site answers itself goes through here."""

from django.http import HttpResponse, JsonResponse
from django.template import loader

from core.api.errors import error_body


def is_api_request(request) -> bool:
    """Whether the request is for the JSON API."""
    return request.path_info.startswith("/api/")


def error_response(request, status: int, message: str | None = None, *, headers=None):
    """The error response for `status`: JSON under /api/, else the `<status>.html` page.

    Pages render without the request (as Django's own error views do): the request may be
    the very thing that is broken (a bad Host header, a body too large).
    """
    if is_api_request(request):
        return JsonResponse(error_body(status, message), status=status, headers=headers)
    body = loader.get_template(f"{status}.html").render({"message": message})
    return HttpResponse(body, status=status, headers=headers)
