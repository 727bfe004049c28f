"""ASGI pieces with no domain: the bridge to Django's WSGI handler, connection spreading,
and the same-origin rule for WebSockets."""

import asyncio
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import count
from tempfile import SpooledTemporaryFile

from a2wsgi.wsgi import build_environ
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

# A response up to this size goes back to the event loop in one piece; a larger one (a
# static file, a stream) is handed over as it is produced.
STREAM_AFTER_BYTES = 256 * 1024
# A request body up to this size is kept in memory; a larger one in a temporary file.
IN_MEMORY_BODY_BYTES = 64 * 1024


class WSGIBridge:
    """Serve ASGI HTTP requests with a WSGI application in a thread pool, one hop each.

    a2wsgi's WSGIMiddleware crosses between the event loop and its thread for every piece
    of a request and its response (five crossings for a small page), which cost a third of
    the floor's throughput in `make bench`. Here the body is read first (only a declared
    length up to `max_body`, as Django reads no more), the request runs
    in a thread, and the finished response comes back in one piece (a large one chunk by
    chunk). A request whose client left mid-body is dropped. The WSGI environ is a2wsgi's.
    """

    def __init__(self, app, *, threads: int, max_body: int):
        self.app = app
        self.max_body = max_body
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __call__(self, scope, receive, send):
        with SpooledTemporaryFile(max_size=IN_MEMORY_BODY_BYTES) as body:
            if not await self.read_body(scope, receive, body):
                return  # the client left mid-body: half a form must not be acted on
            body.seek(0)
            environ = build_environ(scope, body)
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(self.executor, self.respond, environ)
        if isinstance(reply, Stream):
            await self.stream(reply, loop, send)
            return
        for message in reply:
            await send(message)

    async def read_body(self, scope, receive, body) -> bool:
        """Write the request body into `body` if its declared length is within `max_body`.

        False if the client went away before sending all it declared. Bodies past
        IN_MEMORY_BODY_BYTES go to a temporary file: many slow uploads at once cannot fill
        the memory.
        """
        declared = dict(scope["headers"]).get(b"content-length", b"")
        length = int(declared) if declared.isdigit() else 0
        if not 0 < length <= self.max_body:
            return True
        while (left := length - body.tell()) > 0:
            message = await receive()
            if message["type"] != "http.request":
                return False
            body.write(message.get("body", b"")[:left])
            if not message.get("more_body"):
                break
        return body.tell() >= length

    def respond(self, environ) -> "list[dict] | Stream":
        """Run the application (in a worker thread): the messages to send, or a Stream."""
        start = {}

        def start_response(status, headers, exc_info=None):
            start.update(
                type="http.response.start",
                status=int(status.split(" ", 1)[0]),
                headers=[(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers],
            )

        result = self.app(environ, start_response)
        streaming = False
        try:
            chunks, size = [], 0
            iterator = iter(result)
            for chunk in iterator:
                chunks.append(chunk)
                size += len(chunk)
                if size > STREAM_AFTER_BYTES:
                    streaming = True
                    return Stream(start, b"".join(chunks), iterator, result)
            return [start, {"type": "http.response.body", "body": b"".join(chunks)}]
        finally:
            if not streaming and hasattr(result, "close"):
                result.close()

    async def stream(self, reply: "Stream", loop, send) -> None:
        """Send a large response chunk by chunk, reading each in a worker thread.

        No thread waits on the client: one that stops reading holds its connection and
        the open file, never one of the threads that serve everybody.
        """
        try:
            await send(reply.start)
            await send({"type": "http.response.body", "body": reply.head, "more_body": True})
            read = partial(loop.run_in_executor, self.executor, next, reply.rest, None)
            while (chunk := await read()) is not None:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            if hasattr(reply.result, "close"):
                await loop.run_in_executor(self.executor, reply.result.close)


@dataclass
class Stream:
    """A large response under way: its start message, what is read, the rest to read."""

    start: dict
    head: bytes
    rest: Iterator[bytes]
    result: Iterable[bytes]


class SpreadConnections:
    """Close every `every`-th HTTP connection of this process after its response.

    An async server accepts connections, not requests: a keep-alive connection stays with
    the process that accepted it, and a burst of them can land on one process while the
    others idle (`make bench` saw half the throughput that way). A client whose connection
    is closed reconnects, and an idle process, waiting to accept, takes it first: the busy
    process closes the most, so the load evens out within a few dozen requests, while
    most requests keep their connection. WebSocket connections are not touched.
    """

    def __init__(self, app, *, every: int):
        self.app = app
        self.responses = count(1)
        self.every = every

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_closing(message):
            if message["type"] == "http.response.start" and next(self.responses) % self.every == 0:
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, send_closing)


class SameOriginWebSockets:
    """Open a WebSocket for the site's own pages only: its Origin must be the site's
    scheme, host and port, or one of CSRF_TRUSTED_ORIGINS, as Django's CSRF check asks of a
    form. (Channels' AllowedHostsOriginValidator compares host names only: a page served on
    another port or scheme of the same host could open a signed-in socket.)"""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not self.same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)

    @staticmethod
    def same_origin(scope) -> bool:
        """Whether the handshake's Origin is the origin of the host it was sent to."""
        headers = {name.lower(): value.decode("latin-1") for name, value in scope["headers"]}
        host, origin = headers.get(b"host", ""), headers.get(b"origin", "")
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return False
        secure = scope.get("scheme") == "wss"
        if settings.SECURE_PROXY_SSL_HEADER:  # the proxy says what the browser used
            header, value = settings.SECURE_PROXY_SSL_HEADER
            name = header.removeprefix("HTTP_").lower().replace("_", "-").encode()
            secure = secure or headers.get(name) == value
        scheme = "https" if secure else "http"
        return origin == f"{scheme}://{host}" or origin in settings.CSRF_TRUSTED_ORIGINS
