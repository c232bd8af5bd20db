"""The agent room's websockets for the browser (the fork server has its own, `agent/server.py`)."""

from django.urls import path

from agent.try_consumer import ScriptTryConsumer

websocket_urlpatterns = [path("ws/scripts/<int:pk>/try/", ScriptTryConsumer.as_asgi())]
