"""Notice when the channel layer forgets the groups this process's sockets joined.

Redis keeps group memberships in memory only: after a restart, a flush or a failover, the
sockets of a web process are still connected but hear nothing, and nothing tells them (the
layer's connections reconnect by themselves). While a process has sockets, a canary joins
a group of its own and sends itself a message through it every WATCH_SECONDS: when the
message does not come back, the memberships are gone, and the watch's `generation` goes up.
Sockets that see it change ask their page to reconnect, which joins the groups again and
catches up on what was missed.
"""

import asyncio
import logging
import uuid
import weakref

logger = logging.getLogger(__name__)

WATCH_SECONDS = 5.0
# A busy process takes a while to read its messages: only a canary this late counts as lost
# (a page that hears its pushes this late is better off reconnecting and catching up).
ANSWER_SECONDS = 10.0


class MembershipWatch:
    """One per event loop: a canary that checks, while sockets are open, that groups work."""

    _watches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> watch

    def __init__(self, layer):
        self.layer = layer
        self.generation = 0  # how many times memberships were found lost
        self.sockets = 0
        self.task: asyncio.Task | None = None

    @classmethod
    def socket_opened(cls, layer) -> "MembershipWatch":
        """The running loop's watch for `layer`, counting one more socket (started by the first)."""
        loop = asyncio.get_running_loop()
        watch = cls._watches.get(loop)
        if watch is None or watch.layer is not layer:
            watch = cls._watches[loop] = cls(layer)
        watch.sockets += 1
        if watch.task is None:
            watch.task = loop.create_task(watch._watch())
        return watch

    def socket_closed(self) -> None:
        """Count one socket less; the last one stops the canary."""
        self.sockets -= 1
        if not self.sockets and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _watch(self) -> None:
        """Every WATCH_SECONDS, send the canary a message through its group and wait for it."""
        channel = await self.layer.new_channel()
        group = f"layer-watch.{uuid.uuid4().hex}"
        joined = False
        sequence = 0
        try:
            while True:
                try:
                    if not joined:
                        await self.layer.group_add(group, channel)
                        joined = True
                    else:
                        sequence += 1
                        await self.layer.group_send(group, {"type": "watch", "sequence": sequence})
                        if not await self._heard(channel, sequence):
                            self.generation += 1
                            joined = False
                            logger.warning("The channel layer forgot this process's groups")
                            continue  # join again at once
                except Exception:  # the layer is unreachable: whether it forgot is not known yet
                    logger.info("Could not check the channel layer's groups", exc_info=True)
                await asyncio.sleep(WATCH_SECONDS)
        finally:
            if joined:
                await self._leave(group, channel)

    async def _heard(self, channel: str, sequence: int) -> bool:
        """Whether the canary's message came back within ANSWER_SECONDS."""
        try:
            async with asyncio.timeout(ANSWER_SECONDS):
                while (await self.layer.receive(channel)).get("sequence") != sequence:
                    pass  # an earlier round's message, come late
        except TimeoutError:
            return False
        return True

    async def _leave(self, group: str, channel: str) -> None:
        """Take the canary out of its group (or the layer would keep it for a day)."""
        try:
            await self.layer.group_discard(group, channel)
        except Exception:
            logger.info("Could not take the canary out of its group", exc_info=True)
