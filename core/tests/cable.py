"""A browser's /cable socket in tests: the site's whole ASGI application (origin check,
sessions, routing), spoken to as Turbo's ActionCable client does. Pings are skipped."""

import asyncio
import json

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from microblog.asgi import application

ORIGIN = "http://localhost"  # one of ALLOWED_HOSTS, as the site is served


def identifier(stream, channel: str = "LiveChannel") -> str:
    """What <turbo-cable-stream-source channel=... data-stream=...> sends."""
    return json.dumps({"channel": channel, "signed_stream_name": None, "stream": stream})


async def cable_open(*, session_key: str | None = None, origin: str = ORIGIN, headers=()):
    """A connected, welcomed socket; signed in when given a session key."""
    headers = [(b"origin", origin.encode()), (b"host", b"localhost"), *headers]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    cable = WebsocketCommunicator(
        application, "/cable", headers=headers, subprotocols=["actioncable-v1-json"]
    )
    connected, _protocol = await cable.connect()
    assert connected
    assert await cable.receive_json_from() == {"type": "welcome"}
    return cable


async def heard(cable, timeout: float = 2) -> dict | None:
    """The next frame that is not a ping, or None if none comes within `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        if await cable.receive_nothing(timeout=min(left, 0.05), interval=0.01):
            continue
        output = await cable.receive_output()
        if output["type"] == "websocket.close":
            return {"type": "closed"}
        frame = json.loads(output["text"])
        if frame.get("type") != "ping":
            return frame
    return None


async def subscribe(cable, stream, channel: str = "LiveChannel") -> str:
    """Subscribe to a stream; the server's answer ("confirm_subscription" or "reject...")."""
    name = identifier(stream, channel)
    await cable.send_json_to({"command": "subscribe", "identifier": name})
    answer = await heard(cable)
    assert answer is not None and answer["identifier"] == name
    return answer["type"]


async def pushed(cable, timeout: float = 2) -> str | None:
    """The HTML of the next push to the socket, or None."""
    frame = await heard(cable, timeout)
    assert frame is None or "message" in frame, frame
    return frame and frame["message"]


async def in_thread(function, *args, **kwargs):
    """Run blocking code (the ORM, a service, the test client) as a request thread would,
    giving its database connection back afterwards (PostgreSQL's pool is small)."""

    def call():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return await sync_to_async(call, thread_sensitive=False)()


def session_of(user) -> tuple[Client, str]:
    """A test client signed in as `user`, and its session key (the socket's cookie)."""
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value
