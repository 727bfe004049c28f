"""A channel layer that crosses processes without Redis: the embedded default of `make run`.

Channels' in-memory layer keeps groups inside one process, so a push from the task worker
or from the other web process would never reach a browser. This layer keeps groups and
channels in memory as well, but carries every group message through the database: the
sender writes one row (not one per recipient) and each web process that holds members of
any group reads the new rows every `poll_seconds` and delivers them to its own sockets.

Costs: a message arrives up to `poll_seconds` later than through Redis, and each web process
runs one small indexed query per `poll_seconds` while it has sockets. Only group messages
cross processes (a message sent to one channel stays in its process): the site sends
nothing else. Rows are deleted after `keep_seconds`.
"""

import asyncio
import logging
import time
from datetime import timedelta

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer
from django.db import DatabaseError
from django.db.models import Max, Q
from django.utils import timezone

from core.models import Broadcast

logger = logging.getLogger(__name__)

# A row whose id was handed out before a row already read can still be committed later
# (PostgreSQL's sequences do not wait for commits): look for such ids this long.
LATE_COMMIT_SECONDS = 5
READ_BATCH = 1000


class DatabaseChannelLayer(InMemoryChannelLayer):
    """Channels' in-memory layer with group messages carried by the database."""

    def __init__(self, poll_seconds: float = 0.1, keep_seconds: int = 60, **kwargs):
        super().__init__(**kwargs)
        self.poll_seconds = poll_seconds
        self.keep_seconds = keep_seconds
        self._readers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}

    async def group_send(self, group, message):
        """Write the message for every process to read (this one included)."""
        await sync_to_async(self.group_send_blocking)(group, message)

    def group_send_blocking(self, group, message) -> None:
        """group_send for synchronous code (core.live, from a request or a task): the row
        is written on the caller's own connection, with no event loop in between."""
        assert self.require_valid_group_name(group)
        Broadcast.objects.create(group=group, message=message)

    async def group_add(self, group, channel):
        """Join in memory, and make sure this process reads the broadcasts."""
        await super().group_add(group, channel)
        loop = asyncio.get_running_loop()
        reader = self._readers.get(loop)
        if reader is None or reader.done():
            self._readers[loop] = loop.create_task(self._read_broadcasts())

    async def _read_broadcasts(self) -> None:
        """Deliver new rows to this process's group members while it has any."""
        cursor = await database_sync_to_async(self._latest_id)()
        late: dict[int, float] = {}  # ids skipped over -> until when to look for them
        pruned = 0.0
        while self.groups:
            await asyncio.sleep(self.poll_seconds)
            try:
                rows = await database_sync_to_async(self._rows_after)(cursor, list(late))
                if time.monotonic() - pruned > self.keep_seconds / 2:
                    pruned = time.monotonic()
                    await database_sync_to_async(self._prune)()
            except DatabaseError:
                logger.warning("Could not read broadcasts; trying again", exc_info=True)
                continue
            now = time.monotonic()
            for pk, group, message in rows:
                late.pop(pk, None)
                if pk > cursor:
                    skipped = range(cursor + 1, pk) if pk - cursor <= READ_BATCH else ()
                    late.update(dict.fromkeys(skipped, now + LATE_COMMIT_SECONDS))
                    cursor = pk
                await InMemoryChannelLayer.group_send(self, group, message)
            late = {pk: until for pk, until in late.items() if until > now}

    @staticmethod
    def _latest_id() -> int:
        """The id of the newest row: a process starts reading after it."""
        return Broadcast.objects.aggregate(latest=Max("pk"))["latest"] or 0

    @staticmethod
    def _rows_after(cursor: int, late: list[int]) -> list[tuple[int, str, dict]]:
        """Rows newer than `cursor`, and the `late` ones now committed, oldest first."""
        wanted = Q(pk__gt=cursor) | Q(pk__in=late[:READ_BATCH]) if late else Q(pk__gt=cursor)
        rows = Broadcast.objects.filter(wanted).order_by("pk")
        return list(rows.values_list("pk", "group", "message")[:READ_BATCH])

    def _prune(self) -> None:
        """Delete rows every process has had time to read."""
        too_old = timezone.now() - timedelta(seconds=self.keep_seconds)
        Broadcast.objects.filter(created__lt=too_old).delete()
