from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_index, name="index"),
    path("connect/<str:provider>/", views.calendar_connect, name="connect"),
    path("connect/<str:provider>/done/", views.calendar_connect_done, name="connect_done"),
    path("accounts/<int:account_id>/disconnect/", views.calendar_disconnect, name="disconnect"),
    path("sync/", views.calendar_sync_now, name="sync"),
    path("appointments/<int:appointment_id>/cancel/", views.appointment_cancel_view, name="appointment_cancel"),
    path("appointments/<int:appointment_id>/move/", views.appointment_reschedule_view, name="appointment_move"),
]
