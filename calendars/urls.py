from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [path("", views.calendar_index, name="index")]
