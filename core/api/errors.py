"""Every API error has the tutorial's body: {"error": "<reason phrase>", "message": "..."}."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.ratelimit import RateLimited


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (`fields` only for invalid input)."""

    error = serializers.CharField(help_text="The HTTP reason phrase, e.g. “Not Found”.")
    message = serializers.CharField(required=False, help_text="What went wrong.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the messages of each field.",
    )


def error_body(status: int, message: str | None = None) -> dict:
    """The error body for an HTTP status."""
    body = {"error": HTTPStatus(status).phrase}
    if message:
        body["message"] = message
    return body


def _messages(detail) -> list[str]:
    """Flatten DRF's nested error details into sentences."""
    if isinstance(detail, dict):
        return [
            f"{field}: {text}" if field not in {"detail", "non_field_errors"} else text
            for field, value in detail.items()
            for text in _messages(value)
        ]
    if isinstance(detail, list):
        return [text for item in detail for text in _messages(item)]
    return [str(detail)]


def api_exception_handler(exc, context):
    """DRF's handler, with its body rewritten into the tutorial's error format.

    A service's ValidationError (say, following yourself) is a 400 like a serializer's, and
    its RateLimited a 429 with Retry-After like a throttle's.
    """
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = PermissionDenied(detail=str(exc))  # the service's reason, not DRF's default
    elif isinstance(exc, RateLimited):
        exc = Throttled(wait=exc.retry_after, detail=str(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    body = error_body(response.status_code, " ".join(_messages(detail)))
    if isinstance(detail, dict) and set(detail) - {"detail", "non_field_errors"}:
        body["fields"] = {field: _messages(value) for field, value in detail.items()}
    response.data = body
    return response


@csrf_exempt  # the API has no cookies to protect, and a 404 changes nothing
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """404 for an /api/ path that matches no endpoint, whatever the method."""
    return JsonResponse(error_body(404, _("There is no such endpoint.")), status=404)
