"""WebSocket routes: /cable speaks the ActionCable protocol that Turbo Streams use; other
paths are refused."""

from actioncable import cable_channel_register
from django.urls import path, re_path

from core.consumers import CableConsumer, LiveChannel, RefuseConsumer

# The only channel: streams authorized by the server (core.live), not signed stream names.
cable_channel_register(LiveChannel)

websocket_urlpatterns = [
    path("cable", CableConsumer.as_asgi()),
    re_path("", RefuseConsumer.as_asgi()),  # any other path: refused, not a 500
]
