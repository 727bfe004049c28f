"""WebSocket consumers with no domain: the /cable endpoint, and a refusal for other paths."""

import asyncio
import json
import logging
import time
from collections import Counter
from importlib import import_module
from types import SimpleNamespace

from actioncable import ActionCableConsumer, CableChannel
from channels.db import database_sync_to_async
from channels.generic.websocket import WebsocketConsumer
from django.conf import settings
from django.contrib import auth
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from core import live
from core.layer_watch import MembershipWatch

logger = logging.getLogger(__name__)

COMMANDS = {"subscribe", "unsubscribe"}
# What a <turbo-cable-stream-source channel="LiveChannel" data-stream="..."> sends (Turbo
# always adds signed_stream_name, null here: streams are authorized, not signed).
PARAMETERS = {"channel", "stream", "signed_stream_name"}
# A page subscribes to a few streams; more from one socket would only multiply broadcasts.
# A stream is heard once per socket, whatever its identifier's spelling (a home stream
# joins up to a thousand groups: twenty copies of it cost a socket megabytes).
MAX_SUBSCRIPTIONS = 20
# Sockets of one client in one process (a tab each): a member's, or a visitor address's
# (visitors hear explore and profiles live); more is a flood, refused at once.
MAX_CLIENT_SOCKETS = 50
# Identifiers are a few dozen characters: a bigger frame is not one of Turbo's.
MAX_FRAME_CHARACTERS = 4096
# Channel layers forget a membership after a day (group_expiry): a socket open longer,
# whose page never subscribes again, renews its groups this often.
GROUPS_RENEWAL_SECONDS = 6 * 3600


def socket_client_address(scope) -> str:
    """A socket's client address, read as the API's throttles and the request log read a
    request's (behind TRUSTED_PROXY_COUNT proxies: the address the nearest one saw)."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1")
               for name, value in scope.get("headers", [])}  # fmt: skip
    peer = scope.get("client") or ("unknown",)
    handshake = SimpleNamespace(headers=headers, META={"REMOTE_ADDR": peer[0]})
    return BaseThrottle().get_ident(handshake) or "unknown"


class RefuseConsumer(WebsocketConsumer):
    """Refuse the handshake (403): for WebSocket paths the site does not serve."""

    def connect(self):
        """Close before accepting."""
        self.close()


class LiveChannel(CableChannel):
    """A page's stream: the groups it joins are chosen by the server for the socket's user.

    The client names a stream ("home", "author:42"); core.live asks the app that registered
    it which groups this user may hear. Nothing the client sends is trusted as a group name.
    """

    def __init__(self, consumer, identifier_key, params=None):
        self.consumer = consumer
        self.identifier_key = identifier_key
        self.stream = (params or {}).get("stream")
        self.groups: set[str] = set()

    async def subscribe(self):
        """Join the groups of the stream this user may hear (none: the subscription fails)."""
        if isinstance(self.stream, str):
            await self.refresh()

    async def refresh(self):
        """Join and leave groups to match what the stream is now for this user."""
        user = self.consumer.scope.get("user") or auth.models.AnonymousUser()
        groups = set(
            await database_sync_to_async(live.stream_groups)(user=user, stream=self.stream)
        )
        for group in groups - self.groups:
            await self.consumer.subscribe_group(group, self)
        for group in self.groups - groups:
            await self.consumer.leave_group(group, self)
        self.groups = groups

    async def unsubscribe(self):
        """Leave the stream's groups."""
        for group in self.groups:
            await self.consumer.leave_group(group, self)
        self.consumer.identifier_to_channel_instance_map.pop(self.identifier_key, None)


class CableConsumer(ActionCableConsumer):
    """/cable: ActionCable's protocol (what Turbo's stream sources speak), made strict.

    django-actioncable raises on any frame that is not the JSON it expects, confirms a
    subscription even when the channel refused it, and never leaves its groups. Here a
    frame that is not a subscribe or unsubscribe command for a registered channel is
    ignored (a scanner's garbage never raises), a subscription the channel did not join is
    answered "reject_subscription", one socket holds at most MAX_SUBSCRIPTIONS and each
    stream once, its groups are renewed while it lives and left when it closes, and a
    socket whose session ended (logout, new password, deactivation) is told to reconnect,
    which it does as whoever its cookies now say.
    """

    # Open sockets in this process, per client: ("member", id) or ("address", ip).
    client_sockets: Counter[tuple[str, int | str]] = Counter()
    closing = False  # once closed from this end, nothing more is sent

    async def __call__(self, scope, receive, send):
        """Channels' loop, after which the socket is always counted out, however it ended (a
        client gone while a frame was sent ends it with an error that nothing logs). If
        Redis fails under it (restarted, stopped), its page is asked to reconnect (and so to
        join its groups again) instead of the socket being dropped with an error."""
        try:
            await super().__call__(scope, receive, send)
        except RedisError as error:  # each socket in turn while Redis is down: no traceback
            logger.warning("The channel layer failed under an open socket: %s", error)
            if getattr(self, "ping_task", None) is not None:  # accepted, not counted out yet
                await self._reconnect(reason="server_restart")
        finally:
            await self.disconnect(1011)

    async def connect(self):
        """Accept, greet, and keep the connection alive with pings."""
        user = self.scope.get("user")
        self.member_id = user.pk if user is not None and user.is_authenticated else None
        self.client = (
            ("member", self.member_id)
            if self.member_id
            else ("address", socket_client_address(self.scope))
        )
        if self.client_sockets[self.client] >= MAX_CLIENT_SOCKETS:
            self.ping_task = None
            await self.close()
            return
        await self.accept("actioncable-v1-json")
        await self.send_json({"type": "welcome"})
        self.ping_task = asyncio.get_running_loop().create_task(self._ping())
        self.watch = MembershipWatch.socket_opened(self.channel_layer)
        self.generation = self.watch.generation
        self.client_sockets[self.client] += 1
        if self.member_id:
            self.sockets_group = live.sockets_group(self.member_id)
            await self.channel_layer.group_add(self.sockets_group, self.channel_name)

    async def disconnect(self, code):
        """Stop pinging and leave every group (the layer would keep them for a day)."""
        if getattr(self, "ping_task", None) is None:  # refused, or counted out already
            return
        self.ping_task.cancel()
        self.ping_task = None
        self.watch.socket_closed()
        self.client_sockets[self.client] -= 1
        if not self.client_sockets[self.client]:
            del self.client_sockets[self.client]
        try:
            for group in self._all_groups():
                await self.channel_layer.group_discard(group, self.channel_name)
        except RedisError as error:  # Redis gone: a restart forgets them, else they expire
            logger.warning("Could not leave the groups of a closed socket: %s", error)

    async def send(self, text_data=None, bytes_data=None, close=False):
        """Send a frame, unless the socket is closing (a push that comes meanwhile is
        dropped: ASGI servers refuse to send after the close)."""
        if not self.closing:
            await super().send(text_data, bytes_data, close)

    async def close(self, code=None, reason=None):
        """Close from the server's end, once."""
        if not self.closing:
            self.closing = True
            await super().close(code, reason)

    async def _ping(self):
        """ActionCable's client reconnects after 6 s without a ping; proxies after 55-60 s.
        Every GROUPS_RENEWAL_SECONDS the socket also joins its groups again, and if the
        layer forgot them meanwhile (see core.layer_watch) the page is asked to reconnect."""
        renewed = time.monotonic()
        try:
            while True:
                await self.send_json({"type": "ping", "message": int(time.time())})
                await asyncio.sleep(settings.LIVE_PING_SECONDS)
                if self.watch.generation != self.generation:
                    await self._reconnect(reason="server_restart")
                    return
                if time.monotonic() - renewed > GROUPS_RENEWAL_SECONDS:
                    renewed = time.monotonic()
                    await self._renew_groups()
        except OSError:  # the client is gone: the socket's end is under way
            return

    async def _renew_groups(self) -> None:
        """Join this socket's groups again, before the layer forgets them."""
        try:
            for group in self._all_groups():
                await self.channel_layer.group_add(group, self.channel_name)
        except RedisError as error:  # Redis gone: the watch tells the page when it is back
            logger.warning("Could not renew the groups of a socket: %s", error)

    def _all_groups(self) -> set[str]:
        """Every group this socket is in: its subscriptions', and its member's sockets'."""
        groups = set(self.group_channel_instance_map)
        if getattr(self, "sockets_group", None):
            groups.add(self.sockets_group)
        return groups

    async def live_push(self, event):
        """Forward a pushed Turbo Stream to each subscription of this socket in its group."""
        for identifier in self.group_channel_instance_map.get(event["group"], ()):
            await self.send_json({"identifier": identifier, "message": event["content"]})

    async def live_refresh(self, event):
        """The member's streams changed (a follow): their subscriptions here catch up."""
        for channel in list(self.identifier_to_channel_instance_map.values()):
            if isinstance(channel, LiveChannel) and channel.stream in event["streams"]:
                await channel.refresh()

    async def leave_group(self, group: str, channel) -> None:
        """Take one subscription out of a group; the socket leaves it with the last one."""
        identifiers = self.group_channel_instance_map.get(group, set())
        identifiers.discard(channel.identifier_key)
        if not identifiers:
            self.group_channel_instance_map.pop(group, None)
            await self.channel_layer.group_discard(group, self.channel_name)

    async def live_recheck(self, event):
        """The member's sessions changed: close this socket unless its session still holds."""
        if not await database_sync_to_async(self._session_holds)():
            await self._reconnect(reason="unauthorized")

    async def _reconnect(self, *, reason: str) -> None:
        """Close, asking ActionCable's client to connect again (and so subscribe again)."""
        await self.send_json({"type": "disconnect", "reason": reason, "reconnect": True})
        await self.close()

    def _session_holds(self) -> bool:
        """Whether this socket's session still signs in the member it was opened by."""
        session = self.scope.get("session")
        engine = import_module(settings.SESSION_ENGINE)
        fresh = SimpleNamespace(session=engine.SessionStore(getattr(session, "session_key", None)))
        return auth.get_user(fresh).pk == self.scope["user"].pk

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Handle a command frame; ignore anything else."""
        command = self._command_of(text_data)
        if command is None:
            logger.debug("Ignored a WebSocket frame that is not an ActionCable command")
            return
        name, identifier, params = command
        if name == "subscribe":
            await self._subscribe(identifier, params)
        elif identifier in self.identifier_to_channel_instance_map:
            await self.identifier_to_channel_instance_map[identifier].unsubscribe()

    def _command_of(self, text_data) -> tuple[str, str, dict] | None:
        """(command, identifier, channel parameters) of a well-formed frame, else None.

        The identifier is the client's own string (ActionCable's client matches answers to
        it letter for letter); its parameters are a channel and a stream name (text or null).
        """
        if not isinstance(text_data, str) or len(text_data) > MAX_FRAME_CHARACTERS:
            return None
        try:
            content = json.loads(text_data)
            identifier = content["identifier"]
            params = json.loads(identifier)
        except (TypeError, ValueError, KeyError, RecursionError):  # deep nesting too
            return None
        command = content.get("command")
        if not (isinstance(command, str) and command in COMMANDS and isinstance(params, dict)):
            return None
        if set(params) - PARAMETERS or not all(isinstance(v, str | None) for v in params.values()):
            return None
        if params.get("channel") not in self.channel_cls_dict:
            return None
        return command, identifier, params

    async def _subscribe(self, identifier: str, params: dict) -> None:
        """Subscribe through the channel; confirm only if it joined a group."""
        channel = self.identifier_to_channel_instance_map.get(identifier)
        taken = {
            getattr(other, "stream", None)
            for key, other in self.identifier_to_channel_instance_map.items()
            if key != identifier
        }
        too_many = len(self.identifier_to_channel_instance_map) >= MAX_SUBSCRIPTIONS
        if channel is None and (too_many or params.get("stream") in taken):
            await self.send_json({"identifier": identifier, "type": "reject_subscription"})
            return
        if channel is None:
            channel_class = self.channel_cls_dict[params["channel"]]
            channel = channel_class(consumer=self, identifier_key=identifier, params=params)
        joined_before = self._groups_of(identifier)
        try:
            await channel.subscribe()
        except (KeyError, TypeError, ValueError):  # parameters the channel cannot read
            joined = False
        else:
            joined = bool(self._groups_of(identifier)) or bool(joined_before)
        if joined:
            self.identifier_to_channel_instance_map[identifier] = channel
        await self.send_json(
            {
                "identifier": identifier,
                "type": "confirm_subscription" if joined else "reject_subscription",
            }
        )

    def _groups_of(self, identifier: str) -> set[str]:
        """The groups a subscription of this socket has joined."""
        return {
            group
            for group, identifiers in self.group_channel_instance_map.items()
            if identifier in identifiers
        }
