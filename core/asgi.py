"""ASGI middleware with no domain: refuse oversized request bodies before reading them."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.csp import CSP, build_policy

from core.middleware import body_too_large, body_too_large_response


class RequestBodyLimit:
    """Answer 413 to a body over REQUEST_MAX_BYTES, declared or streamed, without buffering it.

    Django's ASGI handler reads the whole body before any middleware runs, so the limit
    must be kept here, in front of it.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        if body_too_large(headers.get(b"content-length", b"").decode("latin-1")):
            return await self.refuse(scope, send)
        received = 0
        overflow = False

        async def counting_receive():
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > settings.REQUEST_MAX_BYTES:
                    # Django stops reading on a disconnect and sends nothing; we answer.
                    overflow = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counting_receive, send)
        if overflow:
            await self.refuse(scope, send)

    @staticmethod
    async def refuse(scope, send):
        """Send the 413 response."""
        request = HttpRequest()
        request.path = request.path_info = scope.get("path", "/")
        response = body_too_large_response(request)
        # Django's middleware never sees this response: give it their security headers.
        response.headers.setdefault(CSP.HEADER_ENFORCE, build_policy(settings.SECURE_CSP))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in [*response.items(), ("Connection", "close")]
                ],
            }
        )
        await send({"type": "http.response.body", "body": response.content})
