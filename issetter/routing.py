"""The browser's websockets: the office's live updates, and each room's own, named here as urls.py names each
room's URLs (by module path, so the project package imports no room)."""

from django.urls import path
from django.utils.module_loading import import_string

from issetter.consumers import OfficeLiveConsumer

ROOMS_WITH_SOCKETS = ("agent.routing",)

websocket_urlpatterns = [
    path("ws/live/", OfficeLiveConsumer.as_asgi()),
    *(route for room in ROOMS_WITH_SOCKETS for route in import_string(f"{room}.websocket_urlpatterns")),
]
