"""WebSocket consumers with no domain: the /cable endpoint, and a refusal for other paths."""

import json
import logging

from actioncable import ActionCableConsumer
from channels.generic.websocket import WebsocketConsumer

logger = logging.getLogger(__name__)

COMMANDS = {"subscribe", "unsubscribe"}
PARAMETERS = {"channel", "signed_stream_name"}
# A page subscribes to a few streams; more from one socket would only multiply broadcasts.
MAX_SUBSCRIPTIONS = 20


class RefuseConsumer(WebsocketConsumer):
    """Refuse the handshake (403): for WebSocket paths the site does not serve."""

    def connect(self):
        """Close before accepting."""
        self.close()


class CableConsumer(ActionCableConsumer):
    """/cable: ActionCable's protocol (what Turbo's stream sources speak), made strict.

    django-actioncable raises on any frame that is not the JSON it expects, and confirms a
    subscription even when the channel refused it. Here a frame that is not a subscribe or
    unsubscribe command for a registered channel is ignored (a scanner's garbage never
    raises), a subscription the channel did not join is answered "reject_subscription",
    and one socket holds at most MAX_SUBSCRIPTIONS.
    """

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
        it letter for letter); its parameters are a channel and a stream name, both text.
        """
        try:
            content = json.loads(text_data) if isinstance(text_data, str) else None
            identifier = content["identifier"]
            params = json.loads(identifier)
        except (TypeError, ValueError, KeyError, RecursionError):  # deep nesting too
            return None
        command = content.get("command")
        if not (isinstance(command, str) and command in COMMANDS and isinstance(params, dict)):
            return None
        if set(params) - PARAMETERS or not all(isinstance(v, str) for v in params.values()):
            return None
        if params.get("channel") not in self.channel_cls_dict:
            return None
        return command, identifier, params

    async def _subscribe(self, identifier: str, params: dict) -> None:
        """Subscribe through the channel; confirm only if it joined a group."""
        channel = self.identifier_to_channel_instance_map.get(identifier)
        if channel is None and len(self.identifier_to_channel_instance_map) >= MAX_SUBSCRIPTIONS:
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
