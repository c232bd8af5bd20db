from django.urls import path

from issetter.consumers import OfficeLiveConsumer

websocket_urlpatterns = [path("ws/live/", OfficeLiveConsumer.as_asgi())]
