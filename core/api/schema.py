"""OpenAPI pieces every app's API shares: page parameters, error responses, time format."""

from drf_spectacular.utils import OpenApiParameter

from core.api.errors import ErrorSerializer

PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("per_page", int, description="Items per page (default 10, at most 100)."),
]
ERRORS = dict.fromkeys((400, 401, 403, 404, 405, 413, 415, 429, 503), ErrorSerializer)


def iso(value) -> str | None:
    """ISO 8601 with an explicit +00:00 offset, as the tutorial's API writes times."""
    return value.isoformat() if value else None
