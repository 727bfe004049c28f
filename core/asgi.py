"""ASGI pieces with no domain: the bridge to Django's WSGI handler, and connection spreading."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from tempfile import SpooledTemporaryFile

from a2wsgi.wsgi import build_environ

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
    in a thread, and the finished response comes back in one piece. The WSGI environ is
    a2wsgi's.
    """

    def __init__(self, app, *, threads: int, max_body: int):
        self.app = app
        self.max_body = max_body
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def __call__(self, scope, receive, send):
        with SpooledTemporaryFile(max_size=IN_MEMORY_BODY_BYTES) as body:
            await self.read_body(scope, receive, body)
            body.seek(0)
            environ = build_environ(scope, body)
            loop = asyncio.get_running_loop()
            messages = await loop.run_in_executor(self.executor, self.respond, environ, loop, send)
        for message in messages:
            await send(message)

    async def read_body(self, scope, receive, body) -> None:
        """Write the request body into `body` if its declared length is within `max_body`.

        Bodies past IN_MEMORY_BODY_BYTES go to a temporary file: many slow uploads at once
        cannot fill the memory.
        """
        declared = dict(scope["headers"]).get(b"content-length", b"")
        length = int(declared) if declared.isdigit() else 0
        if not 0 < length <= self.max_body:
            return
        while (left := length - body.tell()) > 0:
            message = await receive()
            body.write(message.get("body", b"")[:left])
            if message["type"] != "http.request" or not message.get("more_body"):
                break

    def respond(self, environ, loop, send) -> list[dict]:
        """Run the application (in a worker thread); the messages left to send."""
        start = {}

        def start_response(status, headers, exc_info=None):
            start.update(
                type="http.response.start",
                status=int(status.split(" ", 1)[0]),
                headers=[(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers],
            )

        result = self.app(environ, start_response)
        try:
            chunks, size = [], 0
            iterator = iter(result)
            for chunk in iterator:
                chunks.append(chunk)
                size += len(chunk)
                if size > STREAM_AFTER_BYTES:
                    self.stream(loop, send, start, chunks, iterator)
                    return []
            return [start, {"type": "http.response.body", "body": b"".join(chunks)}]
        finally:
            if hasattr(result, "close"):
                result.close()

    @staticmethod
    def stream(loop, send, start, chunks, iterator) -> None:
        """Send a large response from the worker thread as it is produced."""

        def send_now(message):
            asyncio.run_coroutine_threadsafe(send(message), loop).result()

        send_now(start)
        send_now({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
        for chunk in iterator:
            send_now({"type": "http.response.body", "body": chunk, "more_body": True})
        send_now({"type": "http.response.body", "body": b""})


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
