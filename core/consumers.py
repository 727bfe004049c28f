"""WebSocket consumers with no domain."""

from channels.generic.websocket import WebsocketConsumer


class RefuseConsumer(WebsocketConsumer):
    """Refuse the handshake (403): for WebSocket paths the site does not serve."""

    def connect(self):
        """Close before accepting."""
        self.close()
