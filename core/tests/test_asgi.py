"""The WSGI bridge and connection spreading, with a plain WSGI application."""

import asyncio

import pytest
from asgiref.sync import async_to_sync

from core.asgi import IN_MEMORY_BODY_BYTES, STREAM_AFTER_BYTES, SpreadConnections, WSGIBridge


class Application:
    """A WSGI application that echoes the request body and records that it was closed."""

    def __init__(self, body_size: int = 0):
        self.body_size, self.closed, self.seen = body_size, False, {}

    def __call__(self, environ, start_response):
        self.seen = {
            "body": environ["wsgi.input"].read(),
            "path": environ["PATH_INFO"],
            "query": environ["QUERY_STRING"],
        }
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Seen", "yes")])
        application = self

        class Body:
            def __iter__(self):
                if application.body_size:
                    for _ in range(application.body_size // 65536):
                        yield b"x" * 65536
                else:
                    yield b"echo:" + application.seen["body"]

            def close(self):
                application.closed = True

        return Body()


def http_scope(*, path: str = "/", declared: int | None = None, query: bytes = b"") -> dict:
    """The ASGI scope of a POST to `path`, with a Content-Length if `declared`."""
    headers = [(b"host", b"localhost")]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "headers": headers, "client": ("127.0.0.1", 5000), "server": ("localhost", 80),
    }  # fmt: skip


def call(app, *, body: bytes = b"", declared: int | None = None, path: str = "/café"):
    """Send one HTTP request through `app`; the messages it sent and the bytes it read."""
    scope = http_scope(path=path, declared=declared, query=b"a=1")
    pieces = [body[i : i + 10] for i in range(0, len(body), 10)] or [b""]
    read = []

    async def receive():
        piece = pieces.pop(0) if pieces else b""
        read.append(piece)
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    sent = []

    async def send(message):
        sent.append(message)

    async_to_sync(app)(scope, receive, send)
    return sent, b"".join(read)


def test_a_small_response_comes_back_whole_and_the_application_is_closed():
    wsgi = Application()
    sent, _read = call(WSGIBridge(wsgi, threads=2, max_body=100), body=b"hello body", declared=10)
    assert sent[0]["status"] == 201
    assert (b"x-seen", b"yes") in sent[0]["headers"]
    assert sent[1:] == [{"type": "http.response.body", "body": b"echo:hello body"}]
    assert wsgi.seen == {"body": b"hello body", "path": "/caf\xc3\xa9", "query": "a=1"}
    assert wsgi.closed


def test_a_body_over_the_limit_or_of_undeclared_length_is_not_read():
    for declared in (101, None):
        wsgi = Application()
        sent, read = call(WSGIBridge(wsgi, threads=1, max_body=100), body=b"y" * 200,
                          declared=declared)  # fmt: skip
        assert read == b""
        assert wsgi.seen["body"] == b""
        assert sent[-1]["body"] == b"echo:"


def test_a_large_response_is_streamed_in_order():
    size = 4 * STREAM_AFTER_BYTES
    wsgi = Application(body_size=size)
    sent, _read = call(WSGIBridge(wsgi, threads=1, max_body=100))
    bodies = [message for message in sent if message["type"] == "http.response.body"]
    assert len(bodies) > 2
    assert all(message.get("more_body") for message in bodies[:-1])
    assert not bodies[-1].get("more_body")
    assert sum(len(message["body"]) for message in bodies) == size
    assert wsgi.closed


@pytest.mark.parametrize("every", [1, 3])
def test_every_nth_response_closes_its_connection(every):
    app = SpreadConnections(WSGIBridge(Application(), threads=1, max_body=10), every=every)
    closing = []
    for _ in range(6):
        sent, _read = call(app)
        closing.append((b"connection", b"close") in sent[0]["headers"])
    assert closing == [(number % every == 0) for number in range(1, 7)]


def test_websocket_connections_pass_untouched():
    seen = []

    async def websocket_app(scope, receive, send):
        await send({"type": "websocket.accept"})
        seen.append(scope["type"])

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "websocket.connect"}

    app = SpreadConnections(websocket_app, every=1)
    async_to_sync(app)({"type": "websocket", "path": "/cable"}, receive, send)
    assert seen == ["websocket"]
    assert sent == [{"type": "websocket.accept"}]


def test_a_body_past_the_memory_threshold_arrives_whole_through_a_file():
    body = bytes(range(256)) * 512  # 128 KB
    wsgi = Application()
    sent, _read = call(WSGIBridge(wsgi, threads=1, max_body=len(body)), body=body,
                       declared=len(body))  # fmt: skip
    assert len(body) > IN_MEMORY_BODY_BYTES
    assert wsgi.seen["body"] == body
    assert sent[-1]["body"] == b"echo:" + body


def test_a_body_cut_short_by_a_disconnect_never_reaches_the_application():
    wsgi = Application()
    bridge = WSGIBridge(wsgi, threads=1, max_body=100)
    scope = http_scope(declared=40)
    messages = [
        {"type": "http.request", "body": b"body=Transfer+100+to+Alice", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive():
        return messages.pop(0)

    sent = []

    async def send(message):
        sent.append(message)

    async_to_sync(bridge)(scope, receive, send)
    assert wsgi.seen == {} and sent == []


def test_a_client_that_stops_reading_holds_no_thread():
    wsgi = Application(body_size=4 * STREAM_AFTER_BYTES)
    bridge = WSGIBridge(wsgi, threads=1, max_body=100)

    async def scenario():
        stalled = asyncio.Event()

        async def send_to_a_stalled_reader(message):
            if message.get("more_body"):
                stalled.set()
                await asyncio.Event().wait()  # the client never reads

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        big = asyncio.create_task(
            bridge(http_scope(path="/big"), receive, send_to_a_stalled_reader)
        )
        await asyncio.wait_for(stalled.wait(), 5)
        # The bridge's only thread must still serve others while the first client stalls.
        other = Application()
        bridge.app = other
        sent = []

        async def send(message):
            sent.append(message)

        await asyncio.wait_for(bridge(http_scope(path="/small"), receive, send), 5)
        big.cancel()
        return sent

    sent = asyncio.run(scenario())
    assert sent[0]["status"] == 201
