from django.urls import path

from agent import feedback_views

app_name = "feedback"
urlpatterns = [
    path("<uuid:uuid>/feedback/", feedback_views.call_feedback_add, name="add"),
]
