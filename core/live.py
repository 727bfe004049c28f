"""The one place that pushes to browsers: Turbo Stream fragments to groups of sockets.

Services call `push_on_commit` with the groups to reach and a function that renders the
fragment: nothing is rendered or sent unless the transaction commits, and the fragment is
rendered once for everyone in those groups. A page hears a group by naming a stream (its
`<turbo-cable-stream-source data-stream="...">`); the app that registered the stream with
`@stream` decides, for the socket's user, which groups that is. Pushes are at most once:
a page that was not connected catches up when it reconnects (app.js).
"""

import asyncio
import atexit
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# A push waits this long for the channel layer, then gives up (the page will catch up).
PUSH_TIMEOUT_SECONDS = 2

StreamGroups = Callable[..., list[str]]
_streams: dict[str, StreamGroups] = {}


def stream(name: str):
    """Register `groups(*, user, argument) -> list[str]` as the stream `name[:argument]`."""

    def register(groups: StreamGroups) -> StreamGroups:
        _streams[name] = groups
        return groups

    return register


def stream_groups(*, user, stream: str) -> list[str]:
    """The groups `user` joins for `stream` ("home", "profile:42"); none if not allowed."""
    name, _colon, argument = stream.partition(":")
    groups = _streams.get(name)
    return groups(user=user, argument=argument) if groups else []


def sockets_group(user_id: int) -> str:
    """Every socket signed in as this member (core.consumers joins it; it carries no pages)."""
    return f"sockets.{user_id}"


def push_on_commit(
    *,
    groups: Iterable[str],
    render: Callable[[], str],
    language: str | None = None,
    zone=None,
) -> None:
    """After the transaction commits, render the Turbo Stream once and send it to `groups`.

    It renders in `language` and `zone` (by default the site's and UTC): fragments for
    many readers carry what app.js localizes for each of them.
    """
    groups = tuple(groups)

    def send() -> None:
        language_used = translation.override(language or settings.LANGUAGE_CODE)
        with language_used, timezone.override(zone or UTC):
            content = str(render())
        if content:  # nothing to show (the subject is gone since)
            _group_send([(group, {"type": "live.push", "group": group, "content": content})
                         for group in groups])  # fmt: skip

    transaction.on_commit(send, robust=True)


def sockets_recheck_on_commit(*, user_id: int) -> None:
    """After the commit, have this member's sockets check that their session still holds."""
    _sockets_tell_on_commit(user_id, {"type": "live.recheck"})


def streams_refresh_on_commit(*, user_id: int, streams: list[str]) -> None:
    """After the commit, have this member's sockets recompute these streams' groups."""
    _sockets_tell_on_commit(user_id, {"type": "live.refresh", "streams": streams})


def _sockets_tell_on_commit(user_id: int, message: dict) -> None:
    """After the commit, send a control message to every socket of this member."""
    transaction.on_commit(lambda: _group_send([(sockets_group(user_id), message)]), robust=True)


def _group_send(messages: list[tuple[str, dict]]) -> None:
    """Send through the channel layer; a layer that is down costs the push, not the request.

    The database layer writes one row per group on the caller's connection. Others (Redis)
    fan out to every member of the group as they send, which the request must not wait
    for: they are handed to one event loop kept for the process (which also reuses its
    connection pool; a loop per push opened a connection each time).
    """
    layer = get_channel_layer()
    if hasattr(layer, "group_send_blocking"):
        try:
            for group, message in messages:
                layer.group_send_blocking(group, message)
        except DatabaseError:  # pages catch up when they reconnect
            logger.warning("Could not push to browsers", exc_info=True)
        return
    sending = asyncio.run_coroutine_threadsafe(_send_all(layer, messages), _push_loop())
    _sending.add(sending)
    sending.add_done_callback(_sending.discard)


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    """Send each message, giving up after PUSH_TIMEOUT_SECONDS (Redis slow or gone)."""
    try:
        async with asyncio.timeout(PUSH_TIMEOUT_SECONDS):
            for group, message in messages:
                await layer.group_send(group, message)
    except Exception:  # pages catch up when they reconnect
        logger.warning("Could not push to browsers", exc_info=True)


_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()
_sending: set[concurrent.futures.Future] = set()


@atexit.register
def _finish_sending() -> None:
    """A process that ends (a command, a worker stopping) first sends what it pushed."""
    concurrent.futures.wait(list(_sending), timeout=PUSH_TIMEOUT_SECONDS)


def _push_loop() -> asyncio.AbstractEventLoop:
    """The process's event loop for pushes, running in its own thread (started once)."""
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="live-pushes", daemon=True).start()
        return _loop
