"""WebSocket routes: /cable speaks the ActionCable protocol that Turbo Streams use."""

from actioncable import ActionCableConsumer, cable_channel_register
from django.urls import path
from turbo_helper.channels.streams_channel import TurboStreamCableChannel

cable_channel_register(TurboStreamCableChannel)

websocket_urlpatterns = [path("cable", ActionCableConsumer.as_asgi())]
