"""The access log: one line per request, and the request id that ties its other lines to it.

The id comes from our proxy's X-Request-ID (nginx: `$request_id`) when TRUSTED_PROXY_COUNT
says a proxy of ours is in front, if it looks like one; otherwise it is made here. It is
sent back in the response's X-Request-ID and tags every record logged until the response
is closed (core.logs), Django's 5xx report included, which is written after the middleware
returns. The line shows the path without its query string: query strings carry searches,
cursors and, on some sites' links, tokens; the proxy's line, found by the same id, has the
full URL where the operator chose to keep it.
"""

import logging
import re
import secrets
import time

from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject, empty
from rest_framework.throttling import BaseThrottle

from core.logs import bind_request, unbind

logger = logging.getLogger(__name__)

HEADER = "X-Request-ID"
# One-time keys that allauth puts in paths (password reset, e-mail confirmation): anyone
# reading the log could use them.
SECRET_IN_PATH = re.compile(r"(/accounts/(?:password/reset/key|confirm-email)/)[^/]+")
# nginx's $request_id is 32 hexadecimal digits; other proxies send UUIDs or similar tokens.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_of(request) -> str:
    """The proxy's request id when one of our proxies sent a sane one, else a new one."""
    if settings.TRUSTED_PROXY_COUNT > 0:
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        if SANE_REQUEST_ID.fullmatch(sent):
            return sent
    return secrets.token_hex(16)  # 32 hex digits, as nginx makes them; cheaper than uuid4


def client_address(request) -> str | None:
    """The client's address: the one our nearest proxy saw (NUM_PROXIES, as the API's
    throttles read it)."""
    return BaseThrottle().get_ident(request) or None


def member_id(request) -> int | None:
    """The signed-in member's id if the request already loaded them (never loads them)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return user.pk if user is not None and user.is_authenticated else None


def response_size(response) -> int | None:
    """The body's length in bytes, when known without reading a stream."""
    declared = response.get("Content-Length")
    if declared and declared.isdigit():
        return int(declared)
    return None if response.streaming else len(response.content)


def request_finished_handler(**kwargs) -> None:
    """The response is closed: what is logged from now on is no longer this request's."""
    unbind()


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID) and, with ACCESS_LOG, log one line for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_of(request)
        bind_request(request_id)
        start = time.perf_counter()
        response = self.get_response(request)
        milliseconds = round((time.perf_counter() - start) * 1000, 1)
        response[HEADER] = request_id
        if settings.ACCESS_LOG:
            self.log(request, response, milliseconds)
        return response

    @staticmethod
    def log(request, response, milliseconds: float) -> None:
        """Write the access line; its fields are also separate keys in JSON logs."""
        fields = {
            "method": request.method,
            # Re-quoted: a client's %0A or quote must not start a line or end a field.
            "path": SECRET_IN_PATH.sub(r"\1…", escape_uri_path(request.path)),
            "status": response.status_code,
            "duration_ms": milliseconds,
            "size": response_size(response),
            "client": client_address(request),
            "member_id": member_id(request),
        }
        logger.info(
            "%(method)s %(path)s %(status)s %(duration_ms)sms %(size)s bytes "
            "client=%(client)s member=%(member_id)s",
            {name: "-" if value is None else value for name, value in fields.items()},
            extra={"access": fields},
        )
