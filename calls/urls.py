from django.urls import path

from calls import views

app_name = "calls"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("calls/", views.call_index, name="list"),
    path("calls/<uuid:uuid>/", views.call_detail, name="detail"),
]
