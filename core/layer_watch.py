"""Notice when Redis forgets the groups this process's sockets joined.

Redis keeps the channel layer's group memberships in memory only: after a restart, a flush
or a failover, the sockets of a web process are still connected but hear nothing, and
nothing tells them (the layer's connections reconnect by themselves). While a process has
sockets, a canary channel is a member of a group of its own, and every WATCH_SECONDS the
watch renews its membership only if it is still there (ZADD XX: exact, whatever the load).
When it is gone, so are the others: the watch's `generation` goes up, and sockets that see
it change ask their page to reconnect, which joins the groups again and catches up on what
was missed. While Redis cannot be reached, the watch asks every RETRY_SECONDS, so that pages
come back soon after Redis does.

Other layers keep their groups in each process (the database layer): nothing to watch.
"""

import asyncio
import logging
import time
import uuid
import weakref

from channels_redis.core import RedisChannelLayer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WATCH_SECONDS = 5.0
RETRY_SECONDS = 1.0


class MembershipWatch:
    """One per event loop: a canary that checks, while sockets are open, that Redis still
    holds the groups they joined."""

    _watches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> watch

    def __init__(self, layer):
        self.layer = layer
        self.generation = 0  # how many times memberships were found lost
        self.sockets = 0
        self.task: asyncio.Task | None = None

    @classmethod
    def socket_opened(cls, layer) -> "MembershipWatch":
        """The running loop's watch for `layer`, counting one more socket (the first starts
        the canary)."""
        loop = asyncio.get_running_loop()
        watch = cls._watches.get(loop)
        if watch is None or watch.layer is not layer:
            watch = cls._watches[loop] = cls(layer)
        watch.sockets += 1
        if watch.task is None and isinstance(layer, RedisChannelLayer):
            watch.task = loop.create_task(watch._watch())
        return watch

    def socket_closed(self) -> None:
        """Count one socket less; the last one stops the canary."""
        self.sockets -= 1
        if not self.sockets and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _watch(self) -> None:
        """Join the canary's group, then renew the membership while it lasts."""
        canary = await self.layer.new_channel()
        group = f"layer-watch.{uuid.uuid4().hex}"
        joined = False
        try:
            while True:
                try:
                    if not joined:
                        await self.layer.group_add(group, canary)
                        joined = True
                    elif not await self._renewed(group, canary):
                        self.generation += 1
                        joined = False
                        logger.warning("Redis forgot the groups of this process's live pages")
                        continue  # join again at once
                except RedisError as error:  # unreachable: whether it forgot is not known yet
                    logger.info("Could not check the channel layer's groups: %s", error)
                    await asyncio.sleep(RETRY_SECONDS)
                    continue
                await asyncio.sleep(WATCH_SECONDS)
        finally:
            if joined:
                await self._leave(group, canary)

    async def _renewed(self, group: str, canary: str) -> bool:
        """Renew the canary's membership if Redis still holds it; whether it did."""
        connection = self.layer.connection(self.layer.consistent_hash(group))
        key = self.layer._group_key(group)  # channels_redis's name for the group's set
        if not await connection.zadd(key, {canary: time.time()}, xx=True, ch=True):
            return False
        await connection.expire(key, self.layer.group_expiry)
        return True

    async def _leave(self, group: str, canary: str) -> None:
        """Take the canary out of its group (or the layer would keep it for a day)."""
        try:
            await self.layer.group_discard(group, canary)
        except RedisError as error:
            logger.info("Could not take the canary out of its group: %s", error)
